// api.js — the API client. The token lives in sessionStorage only (gone when
// the tab closes) and travels in the Authorization header, never in a URL.
const KEY = 'intelcell.token';

export const session = {
  get token() { return sessionStorage.getItem(KEY) || ''; },
  set token(t) { if (t) sessionStorage.setItem(KEY, t); else sessionStorage.removeItem(KEY); },
  who: null, // {org, role, groups, token_id} of the signed-in partner
};

export class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// api(path, {method, body, query, raw}) calls /api/v1 + path. JSON in and
// out; raw returns the response text. Errors become APIError with the
// server's code and message.
export async function api(path, opts = {}) {
  const url = new URL('/api/v1' + path, location.origin);
  for (const [k, v] of Object.entries(opts.query || {})) {
    if (v != null && v !== '') url.searchParams.set(k, v);
  }
  const headers = { Accept: opts.raw ? '*/*' : 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url, { method: opts.method || 'GET', headers, body, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch (e) {
    throw new APIError(0, 'network', 'The server cannot be reached. Is intelcell serve running?');
  }
  if (!res.ok) {
    let code = 'error';
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      if (j && j.error) ({ code, message } = j.error);
    } catch { /* not JSON */ }
    throw new APIError(res.status, code, message);
  }
  if (opts.raw) return res.text();
  return res.json();
}

export const NOT_VISIBLE = 'This report does not exist or is not shared with you.';
