package intelcell

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Audit actions: what an entry records someone did.
const (
	AuditRead   = "read"   // read one item (a report, an actor profile, groups, the audit log)
	AuditSearch = "search" // searched reports or listed/counted events
	AuditExport = "export" // exported events (CSV, JSON Lines)
	AuditCreate = "create" // created something (a report, an org, a group, a token)
	AuditChange = "change" // changed something (a release, a membership, a default, a revocation)
)

// AuditEntry is one line of the cell's audit log: who (org, token, role,
// through the API or the admin CLI) did what (Action on Target/Object, with
// Detail such as the query or the new release) about which report, when, and
// with what HTTP status.
//
// The log is append-only and hash-chained: Hash is the hex SHA-256 of Prev
// (the previous entry's Hash, "" for the first entry) and the entry's
// canonical content (AuditEntry.Canonical), so changing, removing or
// reordering any entry breaks the chain from that entry on (VerifyAudit).
//
// Who may read an entry: a cell admin reads every entry. Anyone else reads
// only (a) its own org's entries that concern no report or a report it may
// see now (Visible applied in the query), and (b) other orgs' creations and
// release changes of reports it may see, with the acting org shown only if
// the report is attributed and without token, role, detail or hashes. It
// never reads another org's searches, reads or exports.
type AuditEntry struct {
	Seq      int64     `json:"seq,omitempty"` // shown to cell admins only
	Time     time.Time `json:"time"`
	Org      OrgID     `json:"-"`                // acting org; 0 for the anonymous caller and the admin CLI
	OrgName  string    `json:"org,omitempty"`    // acting org's name
	TokenID  string    `json:"token,omitempty"`  // acting token's id
	Role     Role      `json:"role,omitempty"`   // acting token's role
	Via      string    `json:"via"`              // "api" or "cli"
	Action   string    `json:"action"`           // AuditRead, AuditSearch, AuditExport, AuditCreate, AuditChange
	Target   string    `json:"target"`           // kind of thing: report, events, actor, search, groups, audit, org, group, token
	Object   string    `json:"object,omitempty"` // its id or name
	ReportID string    `json:"report,omitempty"` // the report the entry is about, if any
	Detail   string    `json:"detail,omitempty"` // query parameters, new release, members
	Status   int       `json:"status,omitempty"` // HTTP status of the request (0 from the CLI)
	Prev     string    `json:"prev,omitempty"`
	Hash     string    `json:"hash,omitempty"`
}

// Canonical returns the entry's canonical content: a JSON array of every
// field but Prev and Hash in a fixed order, the time as Unix milliseconds.
func (e *AuditEntry) Canonical() []byte {
	b, _ := json.Marshal([]any{e.Seq, e.Time.UnixMilli(), int64(e.Org), e.OrgName, e.TokenID, string(e.Role),
		e.Via, e.Action, e.Target, e.Object, e.ReportID, e.Detail, e.Status})
	return b
}

// ChainHash returns the hash an entry must carry after an entry whose hash
// is prev: hex SHA-256 of prev, a newline and the canonical content.
func (e *AuditEntry) ChainHash(prev string) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(e.Canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// Redact hides from a viewer who is not a cell admin what the viewer may not
// learn from an entry it may read: the sequence number and hashes (which count
// and fingerprint other entries) always; of another org's entry also the
// token, role and detail, and the org unless the report is attributed. Every
// store applies it to every entry it returns to such a viewer.
func (e *AuditEntry) Redact(v Viewer, attributed bool) {
	e.Seq, e.Prev, e.Hash = 0, "", ""
	if e.Org != v.Org {
		e.TokenID, e.Role, e.Detail = "", "", ""
		if !attributed {
			e.OrgName = ""
		}
	}
}

// DecodeAuditCursor reads a page cursor of the audit log: the time (Unix
// milliseconds) of the last entry of the previous page and how many entries
// of that very time it held. The cursor says nothing of entries the viewer
// may not read, and later appends do not shift the pages.
func DecodeAuditCursor(cursor string) (before int64, skip int, err error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	ts, k, ok := strings.Cut(strings.TrimPrefix(string(b), "t:"), ":")
	if err == nil && ok && strings.HasPrefix(string(b), "t:") {
		before, err = strconv.ParseInt(ts, 10, 64)
		if err == nil {
			skip, err = strconv.Atoi(k)
		}
	}
	if err != nil || !ok || skip < 0 || before <= 0 {
		return 0, 0, Errorf(EINVALID, "bad cursor")
	}
	return before, skip, nil
}

// NextAuditPage cuts a page of entries fetched one beyond limit (newest
// first, after a cursor decoded as before and skip) and returns the page and
// the cursor of the next one, "" at the end.
func NextAuditPage(out []*AuditEntry, limit int, before int64, skip int) ([]*AuditEntry, string) {
	if len(out) <= limit {
		return out, ""
	}
	out = out[:limit]
	last := out[limit-1].Time.UnixMilli()
	same := 0
	if last == before {
		same = skip // entries of that time skipped before this page
	}
	for _, e := range out {
		if e.Time.UnixMilli() == last {
			same++
		}
	}
	return out, base64.RawURLEncoding.EncodeToString([]byte("t:" + strconv.FormatInt(last, 10) + ":" + strconv.Itoa(same)))
}

// AuditFilter selects audit entries, newest first. Empty fields do not filter.
type AuditFilter struct {
	Report string // entries about this report
	Action string // one of the Audit* actions
	Org    string // acting org name
	Limit  int    // at most this many (default 100, max 1000)
	Cursor string // from a previous page's next
}

// AuditService is the cell's audit log.
type AuditService interface {
	// AppendAudit appends entries in order, in one transaction, setting each
	// one's Seq, Prev and Hash (Time is set to now when zero). Entries are
	// never changed or removed afterwards.
	AppendAudit(ctx context.Context, entries ...*AuditEntry) error
	// FindAudit returns the entries v may read (see AuditEntry), newest
	// first, redacted for v, with a cursor for the next page ("" at the end).
	FindAudit(ctx context.Context, v Viewer, f AuditFilter) ([]*AuditEntry, string, error)
	// ScanAudit calls fn with every entry exactly as stored, in Seq order
	// (for trusted callers: verification). It stops at fn's first error.
	ScanAudit(ctx context.Context, fn func(*AuditEntry) error) error
}

// AuditBreak describes the first entry at which the audit chain is broken.
type AuditBreak struct {
	Seq    int64  // the stored sequence number of the first bad entry
	Reason string // what does not match
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", b.Seq, b.Reason)
}

// VerifyAudit recomputes the whole chain. It returns the number of entries
// and the hash of the last one (worth recording elsewhere: only an outside
// copy of the head detects removal of the newest entries), or an
// *AuditBreak naming the first entry that does not match.
func VerifyAudit(ctx context.Context, s AuditService) (n int, head string, err error) {
	var want int64 = 1
	err = s.ScanAudit(ctx, func(e *AuditEntry) error {
		switch {
		case e.Seq != want:
			return &AuditBreak{Seq: e.Seq, Reason: fmt.Sprintf("sequence number %d where %d was expected (an entry was removed or inserted)", e.Seq, want)}
		case e.Prev != head:
			return &AuditBreak{Seq: e.Seq, Reason: "its prev does not match the previous entry's hash"}
		case e.ChainHash(head) != e.Hash:
			return &AuditBreak{Seq: e.Seq, Reason: "its content does not match its hash"}
		}
		head = e.Hash
		want++
		n++
		return nil
	})
	return n, head, err
}

// DefaultReleaseService keeps each org's default release: the release of a
// report the org submits without one. A store's CreateReport(s) applies it
// to every report whose Release is the zero Release; an org without a
// default uses DefaultRelease.
type DefaultReleaseService interface {
	// SetOrgDefaultRelease sets the named org's default release.
	// ENOTFOUND for an unknown org; EINVALID for an invalid release or one
	// naming a group the org is not a member of.
	SetOrgDefaultRelease(ctx context.Context, org string, r Release) error
	// OrgDefaultRelease returns the named org's default release
	// (DefaultRelease when none was set). ENOTFOUND for an unknown org.
	OrgDefaultRelease(ctx context.Context, org string) (Release, error)
}

// TLPForAudience returns the TLP label that matches an audience when none is
// given: org AMBER+STRICT, groups AMBER, cell GREEN, public CLEAR ("" for an
// unknown audience).
func TLPForAudience(a Audience) TLP {
	switch a {
	case AudienceOrg:
		return TLPAmberStrict
	case AudienceGroups:
		return TLPAmber
	case AudienceCell:
		return TLPGreen
	case AudiencePublic:
		return TLPClear
	}
	return ""
}
