package http

// The cell's administration over the API, for the console's Cell view:
// organisations, and tokens (list, create, revoke). The store's org and
// token services do the work; what is decided here is who may reach what:
// a cell admin reaches every org and token, an org admin its own org's, and
// only tokens whose role does not outrank its own. A token out of reach
// answers exactly like one that does not exist.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	nethttp "net/http"
	"strings"
	"time"

	"github.com/intelcell/intelcell"
)

// orgInfo is an org as GET /api/v1/orgs shows it.
type orgInfo struct {
	Name           string            `json:"name"`
	Created        time.Time         `json:"created"`
	DefaultRelease intelcell.Release `json:"default_release"`
}

// handleOrgs serves GET /api/v1/orgs: every org to a cell admin, the
// caller's own org to anyone else.
func (s *Server) handleOrgs(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	orgs, err := s.Store.FindOrgs(r.Context())
	if err != nil {
		return err
	}
	out := []orgInfo{}
	for _, o := range orgs {
		if v.Role != intelcell.RoleCellAdmin && o.Name != v.OrgName {
			continue
		}
		rel, err := s.Store.OrgDefaultRelease(r.Context(), o.Name)
		if err != nil {
			return err
		}
		out = append(out, orgInfo{Name: o.Name, Created: o.Created, DefaultRelease: rel})
	}
	writeJSON(w, 200, map[string]any{"orgs": out})
	return nil
}

// tokensInReach returns the tokens v administers, with their names: every
// token for a cell admin, its own org's for an org admin.
func (s *Server) tokensInReach(ctx context.Context, v intelcell.Viewer) ([]*intelcell.Token, error) {
	org := v.OrgName
	if v.Role == intelcell.RoleCellAdmin {
		org = ""
	}
	toks, err := s.Store.FindTokens(ctx, org)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(toks))
	for i, t := range toks {
		ids[i] = t.ID
	}
	names, err := s.Store.TokenNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		t.Name = names[t.ID]
	}
	if toks == nil {
		toks = []*intelcell.Token{}
	}
	return toks, nil
}

// tokenInReach returns the token id if v administers it; ENOTFOUND, with
// the store's message for a missing token, otherwise.
func (s *Server) tokenInReach(ctx context.Context, v intelcell.Viewer, id string) (*intelcell.Token, error) {
	toks, err := s.tokensInReach(ctx, v)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, intelcell.Errorf(intelcell.ENOTFOUND, "no token %q", id)
}

// handleTokens serves GET /api/v1/tokens: the tokens the caller administers,
// never their secrets or hashes.
func (s *Server) handleTokens(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	toks, err := s.tokensInReach(r.Context(), v)
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"tokens": toks})
	return nil
}

// tokenRequest is the body of POST /api/v1/tokens.
type tokenRequest struct {
	Org  string `json:"org"`  // default: the caller's org (an org admin may name only its own)
	Role string `json:"role"` // default: reader
	Name string `json:"name"`
}

// decodeTokenRequest reads the body of POST /api/v1/tokens: one JSON object
// of known fields and nothing after it.
func decodeTokenRequest(body []byte) (tokenRequest, error) {
	var req tokenRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, intelcell.Errorf(intelcell.EINVALID, "malformed JSON: %s", jsonErr(err))
	}
	if dec.More() {
		return req, intelcell.Errorf(intelcell.EINVALID, "malformed JSON: data after the object")
	}
	return req, nil
}

// handlePostToken serves POST /api/v1/tokens: a new token for the caller's
// org (any org for a cell admin) with a role that does not outrank the
// caller's. The secret is in this response only.
func (s *Server) handlePostToken(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	req, err := decodeTokenRequest(body)
	if err != nil {
		return err
	}
	org := cmp.Or(req.Org, v.OrgName)
	role := intelcell.Role(strings.ToLower(cmp.Or(req.Role, string(intelcell.RoleReader))))
	name := strings.TrimSpace(req.Name)
	if v.Role != intelcell.RoleCellAdmin && org != v.OrgName {
		// Another org is out of reach: answered as an org that does not exist.
		return intelcell.Errorf(intelcell.ENOTFOUND, "no org %q", org)
	}
	if !role.Valid() {
		return intelcell.Errorf(intelcell.EINVALID, "unknown role %q (cell-admin, admin, analyst or reader)", role)
	}
	if role.Outranks(v.Role) {
		return intelcell.Errorf(intelcell.EFORBIDDEN, "role %s may not create %s tokens", v.Role, role)
	}
	t, secret, err := s.Store.CreateNamedToken(r.Context(), org, role, name)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/tokens/"+t.ID)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, 201, map[string]any{"token": t, "secret": secret})
	return nil
}

// handleDeleteToken serves DELETE /api/v1/tokens/{id}: revokes a token the
// caller administers (revoking twice keeps the first time). A token whose
// role outranks the caller's is forbidden; one out of reach is not found.
func (s *Server) handleDeleteToken(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	ctx := r.Context()
	id := r.PathValue("id")
	t, err := s.tokenInReach(ctx, v, id)
	if err != nil {
		return err
	}
	if t.Role.Outranks(v.Role) {
		return intelcell.Errorf(intelcell.EFORBIDDEN, "role %s may not revoke %s tokens", v.Role, t.Role)
	}
	if err := s.Store.RevokeToken(ctx, id); err != nil {
		return err
	}
	if t, err = s.tokenInReach(ctx, v, id); err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"token": t})
	return nil
}
