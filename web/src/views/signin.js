import { h } from '../dom.js';
import { session } from '../api.js';
import { signIn, setTitle } from '../main.js';

export async function render(main, ctx) {
  setTitle('Sign in');
  if (session.who) {
    main.append(h('h1', 'Signed in'), h('p', `You are signed in as ${session.who.org} (${session.who.role}). `),
      h('a', { href: '#/overview' }, 'Go to the overview'));
    ctx.ready();
    return;
  }
  const err = h('p.error', { role: 'alert', hidden: true });
  const input = h('input#token', { type: 'password', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
  const form = h('form.signin', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      err.hidden = true;
      const t = input.value.trim();
      if (!t) return;
      btn.disabled = true;
      try {
        await signIn(t);
      } catch (e) {
        err.textContent = e.status === 401 ? 'This token is not valid (unknown or revoked).' : e.message;
        err.hidden = false;
        input.focus();
      } finally {
        btn.disabled = false;
      }
    },
  });
  const btn = h('button', { type: 'submit' }, 'Sign in');
  form.append(
    h('h1', 'Sign in to the cell'),
    h('p', 'Paste your API token. It is kept only in this browser tab for this session and sent only to this server.'),
    h('label', { for: 'token' }, 'API token'), input, btn, err,
    h('p.muted', 'An org admin creates tokens with: intelcell token create --org NAME --role analyst'),
  );
  main.append(form);
  input.focus();
  ctx.ready();
}
