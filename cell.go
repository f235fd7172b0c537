package intelcell

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EFORBIDDEN is the code for a caller who is known and may see the target but
// whose role does not allow the change asked for (a reader posting a report).
// It is never used for reads: what a caller may not see is ENOTFOUND.
const EFORBIDDEN = "forbidden"

// OrgID identifies a partner organisation. The zero OrgID is nobody: the
// anonymous viewer has it.
type OrgID int64

// Org is a partner organisation of the cell. Names are unique in a cell and
// never change; every token, and every report, belongs to exactly one org.
type Org struct {
	ID      OrgID     `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// Group is a named sharing group of orgs. A report released to a group is
// visible to every member org of the group at the time of the read: adding or
// removing a member takes effect for the next request. Group names are unique
// and are how a release names its groups. Only members of a group may learn
// its member list.
type Group struct {
	Name string   `json:"name"`
	Orgs []string `json:"orgs"` // member org names
}

// Role is what a token may do. Roles govern writes and administration only:
// what a token may read is decided by its org and the org's groups through
// Visible, whatever the role — a cell admin reads no more than its org.
type Role string

// Roles, from most to least powerful.
const (
	RoleCellAdmin Role = "cell-admin" // administers the cell: orgs, groups, every token; reads the audit log
	RoleOrgAdmin  Role = "admin"      // administers its own org: its tokens, its reports' releases
	RoleAnalyst   Role = "analyst"    // submits reports for its org
	RoleReader    Role = "reader"     // reads only
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case RoleCellAdmin, RoleOrgAdmin, RoleAnalyst, RoleReader:
		return true
	}
	return false
}

// Outranks reports whether r is more powerful than o (cell-admin > admin >
// analyst > reader). An org admin may create and revoke only tokens its own
// role does not outrank.
func (r Role) Outranks(o Role) bool { return r.rank() > o.rank() }

func (r Role) rank() int {
	switch r {
	case RoleCellAdmin:
		return 4
	case RoleOrgAdmin:
		return 3
	case RoleAnalyst:
		return 2
	case RoleReader:
		return 1
	}
	return 0
}

// CanSubmit reports whether the role may submit reports.
func (r Role) CanSubmit() bool { return r == RoleCellAdmin || r == RoleOrgAdmin || r == RoleAnalyst }

// CanAdminOrg reports whether the role may administer its own org (change its
// reports' releases, manage its tokens).
func (r Role) CanAdminOrg() bool { return r == RoleCellAdmin || r == RoleOrgAdmin }

// Token is an API credential of one org with one role. The secret is random
// (32 bytes from crypto/rand), shown once when created and stored only as its
// SHA-256 hash (HashSecret); a revoked token authenticates nobody. LastUsed is
// updated at most about once a minute.
type Token struct {
	ID       string     `json:"id"`   // public handle for listing and revoking; not a secret
	Name     string     `json:"name"` // for people: who or what uses it; not secret, not unique
	Org      string     `json:"org"`
	Role     Role       `json:"role"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	Revoked  *time.Time `json:"revoked"`
}

// MaxTokenName bounds a token's name in bytes.
const MaxTokenName = 100

// ValidTokenName returns EINVALID for a name longer than MaxTokenName bytes,
// not valid UTF-8, or with control characters.
func ValidTokenName(name string) error {
	if len(name) > MaxTokenName || !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return Errorf(EINVALID, "a token name is at most %d bytes of text without control characters", MaxTokenName)
	}
	return nil
}

// NewSecret returns a new random token secret: "icl_" and 32 random bytes,
// URL-safe base64. Stores keep only HashSecret of it.
func NewSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "icl_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// HashSecret returns the stored form of a token secret: hex SHA-256. A
// fast hash is enough because secrets are 256 random bits, not passwords.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Viewer is who is asking: the org a token belongs to, the groups that org is
// a member of at the time of the request, and the token's role. The zero
// Viewer is anonymous and sees only public reports.
type Viewer struct {
	Org     OrgID    `json:"org"`
	OrgName string   `json:"org_name"`
	Groups  []string `json:"groups"`
	Role    Role     `json:"role"`
	TokenID string   `json:"token_id"`
}

// Anonymous reports whether v carries no credentials.
func (v Viewer) Anonymous() bool { return v.Org == 0 }

// InGroup reports whether v's org is a member of the named group.
func (v Viewer) InGroup(name string) bool {
	for _, g := range v.Groups {
		if g == name {
			return true
		}
	}
	return false
}

// Audience is the widest set of viewers a report is released to.
type Audience string

// Audiences, narrowest first.
const (
	AudienceOrg    Audience = "org"    // only the submitting org
	AudienceGroups Audience = "groups" // the submitting org and members of any of the listed groups
	AudienceCell   Audience = "cell"   // every org of the cell (any valid token)
	AudiencePublic Audience = "public" // anyone, without a token
)

// TLP is a Traffic Light Protocol marking, version 2.0 as defined by FIRST
// (https://www.first.org/tlp/): CLEAR, GREEN, AMBER, AMBER+STRICT, RED.
type TLP string

// TLP 2.0 labels, in the lower-case form the API uses.
const (
	TLPClear       TLP = "clear"        // no limit on disclosure
	TLPGreen       TLP = "green"        // the community, not public
	TLPAmber       TLP = "amber"        // the recipient's organisation and those it must share with
	TLPAmberStrict TLP = "amber+strict" // the recipient's organisation only
	TLPRed         TLP = "red"          // named recipients only
)

// maxAudience returns the widest audience a TLP label allows, or "" for an
// unknown label. In the cell, RED and AMBER+STRICT keep a report inside its
// org, AMBER allows the org and named sharing groups (those it must share
// with), GREEN the whole cell (the community) and CLEAR anyone.
func (t TLP) maxAudience() Audience {
	switch t {
	case TLPRed, TLPAmberStrict:
		return AudienceOrg
	case TLPAmber:
		return AudienceGroups
	case TLPGreen:
		return AudienceCell
	case TLPClear:
		return AudiencePublic
	}
	return ""
}

func audienceRank(a Audience) int {
	switch a {
	case AudienceOrg:
		return 1
	case AudienceGroups:
		return 2
	case AudienceCell:
		return 3
	case AudiencePublic:
		return 4
	}
	return 0
}

// Release is a report's release policy: who may see the report and
// everything derived from it. The TLP marking may only narrow the audience:
// a release whose TLP allows less than its audience is invalid, never
// silently narrowed. Attribution false hides which org submitted the report
// from everyone but that org.
type Release struct {
	Audience    Audience `json:"audience"`
	Groups      []string `json:"groups,omitempty"` // with AudienceGroups: one or more group names
	TLP         TLP      `json:"tlp"`
	Attribution bool     `json:"attribution"`
}

// MaxGroups bounds how many groups one release may name.
const MaxGroups = 32

// Validate returns EINVALID when the release is malformed or contradictory:
// an unknown audience or TLP, groups missing with audience "groups" or given
// with another audience, or a TLP that forbids the audience
// (RED or AMBER+STRICT: org only; AMBER: org or groups; GREEN: anything but
// public; CLEAR: any audience).
func (r Release) Validate() error {
	ar := audienceRank(r.Audience)
	if ar == 0 {
		return Errorf(EINVALID, "unknown audience %q (org, groups, cell or public)", r.Audience)
	}
	max := r.TLP.maxAudience()
	if max == "" {
		return Errorf(EINVALID, "unknown tlp %q (clear, green, amber, amber+strict or red)", r.TLP)
	}
	if ar > audienceRank(max) {
		return Errorf(EINVALID, "tlp %s does not allow audience %s (at most %s)", r.TLP, r.Audience, max)
	}
	if r.Audience == AudienceGroups {
		if len(r.Groups) == 0 {
			return Errorf(EINVALID, "audience groups needs at least one group")
		}
		if len(r.Groups) > MaxGroups {
			return Errorf(EINVALID, "at most %d groups", MaxGroups)
		}
		for _, g := range r.Groups {
			if strings.TrimSpace(g) == "" {
				return Errorf(EINVALID, "empty group name")
			}
		}
	} else if len(r.Groups) > 0 {
		return Errorf(EINVALID, "groups are only allowed with audience groups")
	}
	return nil
}

// DefaultRelease is the release of a report submitted without one: its org
// only, TLP AMBER+STRICT, attributed. Nothing is shared unless asked.
var DefaultRelease = Release{Audience: AudienceOrg, TLP: TLPAmberStrict, Attribution: true}

// Visible is THE access rule of the cell, written once: it reports whether
// viewer v may see a report owned by org owner under release r, and so
// everything derived from that report (mentions, events, quotes, places,
// search hits, counts, exports). Every store compiles the same rule into its
// queries; the conformance suite checks them against this function.
//
//   - an invalid release is visible to nobody but its owner (fail closed);
//   - public: everyone, including the anonymous viewer;
//   - the anonymous viewer sees nothing else;
//   - the owner org always sees its own reports;
//   - cell: every org of the cell;
//   - groups: orgs that are members of at least one of the listed groups;
//   - org: nobody else.
func Visible(v Viewer, owner OrgID, r Release) bool {
	if r.Validate() != nil {
		return !v.Anonymous() && v.Org == owner
	}
	if r.Audience == AudiencePublic {
		return true
	}
	if v.Anonymous() {
		return false
	}
	if v.Org == owner {
		return true
	}
	switch r.Audience {
	case AudienceCell:
		return true
	case AudienceGroups:
		for _, g := range r.Groups {
			if v.InGroup(g) {
				return true
			}
		}
	}
	return false
}

// Report statuses.
const (
	StatusQueued     = "queued"     // stored, waiting for extraction (also between retries)
	StatusProcessing = "processing" // a worker is extracting it
	StatusDone       = "done"       // extracted; its Document is stored
	StatusFailed     = "failed"     // extraction failed after every retry; Error says why
)

// Report is one submitted report. Text is always plain text: HTML input is
// reduced to text before it is stored and is never served back. The same
// content (ContentHash of title and text) submitted twice by one org is one
// report with both sources recorded; identical content from different orgs is
// kept apart, so that submitting cannot reveal what another org holds.
type Report struct {
	ID          string    `json:"id"`
	Org         OrgID     `json:"-"`
	OrgName     string    `json:"org,omitempty"` // empty when not attributed to the viewer
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Date        string    `json:"date"` // YYYY-MM-DD
	Source      string    `json:"source,omitempty"`
	URL         string    `json:"url,omitempty"`
	Sources     []Source  `json:"sources,omitempty"`
	Release     Release   `json:"release"`
	Status      string    `json:"status"`
	Error       string    `json:"error,omitempty"`
	ContentHash string    `json:"content_hash"`
	Created     time.Time `json:"created"`
	Snippet     string    `json:"snippet,omitempty"` // search results: the matching words in context, plain text
}

// Source is one submission of a report's content: where it came from.
type Source struct {
	Source string `json:"source,omitempty"`
	URL    string `json:"url,omitempty"`
}

// ContentHash returns the hex SHA-256 of a report's title and text, the key
// of deduplication.
func ContentHash(title, text string) string {
	h := sha256.New()
	h.Write([]byte(title))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return hex.EncodeToString(h.Sum(nil))
}

// MaxReportText bounds the text of one report in bytes.
const MaxReportText = 4 << 20

// Validate checks a report before it is stored: text present, date
// YYYY-MM-DD, release valid, sizes within limits.
func (r *Report) Validate() error {
	if strings.TrimSpace(r.Text) == "" && strings.TrimSpace(r.Title) == "" {
		return Errorf(EINVALID, "text is required")
	}
	if len(r.Text)+len(r.Title) > MaxReportText {
		return Errorf(ETOOLARGE, "report text is larger than %d bytes", MaxReportText)
	}
	if _, err := time.Parse("2006-01-02", r.Date); err != nil {
		return Errorf(EINVALID, "date %q is not YYYY-MM-DD", r.Date)
	}
	if len(r.Source) > 1024 || len(r.URL) > 4096 {
		return Errorf(EINVALID, "source or url too long")
	}
	return r.Release.Validate()
}

// StoredEvent is an event as the store serves it: the extracted event with a
// stable id and the reports it was coded from.
type StoredEvent struct {
	ID string `json:"id"`
	Event
	ReportIDs []string `json:"report_ids"`
	URL       string   `json:"url,omitempty"`
	Added     string   `json:"added,omitempty"` // YYYY-MM-DD the report was stored
}

// EventFilter selects events. Empty fields do not filter. Cameo with two
// digits matches the root code, otherwise the code and its sub-codes.
type EventFilter struct {
	Actor   string // actor id (e.g. Q796) or code (IRQGOV) as source or target
	Country string // ISO alpha-3 of source or target
	Cameo   string
	Plover  string
	From    string // YYYY-MM-DD inclusive
	To      string // YYYY-MM-DD inclusive
	BBox    *BBox  // the event's place inside the box
	Words   string // words of the report the event was coded from
	Report  string // one report's events
	Limit   int    // at most this many (default 100, max 1000)
	Cursor  string // from a previous page's Next
}

// BBox is a bounding box in degrees.
type BBox struct{ MinLon, MinLat, MaxLon, MaxLat float64 }

// ReportFilter selects reports by full-text search.
type ReportFilter struct {
	Query string // words, all required
	// Sort is SortRelevance (the default) or SortNewest.
	Sort   string
	Limit  int
	Cursor string
}

// Search orders. Relevance ranks (BM25) the SearchWindow newest visible
// matches, so that a word found in most reports costs no more than a rare
// one; newest lists every visible match, newest first.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
)

// SearchWindow is how many of the newest visible matches a relevance
// search ranks.
const SearchWindow = 2000

// IsZero reports whether r is the zero Release: a report or feed given no
// release, which then takes its org's default.
func (r Release) IsZero() bool {
	return r.Audience == "" && r.TLP == "" && len(r.Groups) == 0 && !r.Attribution
}

// CheckNewToken validates what every store requires of a new token: a known
// role and a valid name.
func CheckNewToken(role Role, name string) error {
	if !role.Valid() {
		return Errorf(EINVALID, "unknown role %q (cell-admin, admin, analyst or reader)", role)
	}
	return ValidTokenName(name)
}

// ActorOfEvent returns the source or target of e whose id (or, byCode,
// whose code) is key, for the profile of an actor that only events name.
func ActorOfEvent(e *Event, byCode bool, key string) (Actor, bool) {
	for _, a := range []*Actor{e.Source, e.Target} {
		if a != nil && (!byCode && a.ID == key || byCode && a.Code == key) {
			return *a, true
		}
	}
	return Actor{}, false
}

// ActorProfile is what the visible reports say about one actor.
type ActorProfile struct {
	Actor       Actor    `json:"actor"`
	Names       []string `json:"names"`        // the texts that mentioned it
	Mentions    int      `json:"mentions"`     // visible mentions
	AsSource    int      `json:"as_source"`    // visible events with it as source
	AsTarget    int      `json:"as_target"`    // visible events with it as target
	ByRoot      []Count  `json:"by_root"`      // visible events involving it, by CAMEO root
	ReportCount int      `json:"report_count"` // visible reports mentioning it
}

// Count is one facet value and how many visible items have it.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// Job is one unit of background work: extract a report.
type Job struct {
	ID       int64
	ReportID string
	Attempts int // including this one
	Lease    string
	Input    ExtractInput
}

// ExtractInput is what extraction needs from a report.
type ExtractInput struct {
	Title, Text, Date string
}

// JobResult is the outcome of a job: a Document, or an error.
type JobResult struct {
	Job *Job
	Doc *Document
	Err error
}

// OrgService administers orgs. Callers are trusted (the CLI, or an HTTP
// handler that has checked the cell-admin role).
type OrgService interface {
	// CreateOrg creates an org. ECONFLICT if the name exists, EINVALID if empty.
	CreateOrg(ctx context.Context, name string) (*Org, error)
	// FindOrgs lists every org by name.
	FindOrgs(ctx context.Context) ([]*Org, error)
}

// GroupService administers sharing groups.
type GroupService interface {
	// CreateGroup creates a group with the named member orgs. ECONFLICT if
	// the name exists; EINVALID if an org does not exist.
	CreateGroup(ctx context.Context, name string, orgs []string) (*Group, error)
	// SetGroupMember adds (member true) or removes an org from a group.
	SetGroupMember(ctx context.Context, group, org string, member bool) error
	// FindGroups lists groups v's org is a member of, with their members; a
	// cell admin sees every group. Member lists of other groups are never shown.
	FindGroups(ctx context.Context, v Viewer) ([]*Group, error)
}

// TokenService issues, revokes and checks tokens.
type TokenService interface {
	// CreateToken creates a token for the named org and returns it with its
	// secret, which is not stored and cannot be shown again.
	CreateToken(ctx context.Context, org string, role Role) (*Token, string, error)
	// RevokeToken revokes a token by id. ENOTFOUND if there is none.
	RevokeToken(ctx context.Context, id string) error
	// FindTokens lists the tokens of an org ("" for all), without secrets
	// (and without names: TokenNames).
	FindTokens(ctx context.Context, org string) ([]*Token, error)
	// CreateNamedToken is CreateToken with a name for people (who or what
	// uses the token), stored with it in one transaction. EINVALID for a
	// name longer than MaxTokenName bytes or with control characters.
	CreateNamedToken(ctx context.Context, org string, role Role, name string) (*Token, string, error)
	// TokenNames returns the names of those of the given tokens that have
	// one, by token id.
	TokenNames(ctx context.Context, ids []string) (map[string]string, error)
	// Authenticate returns the viewer of a token secret, with the org's
	// current groups. EUNAUTHORIZED for an unknown or revoked secret.
	Authenticate(ctx context.Context, secret string) (Viewer, error)
	// OrgViewer returns the viewer of the named org with a role, for trusted
	// callers acting for an org without a token (the CLI's ingest, tests).
	OrgViewer(ctx context.Context, org string, role Role) (Viewer, error)
}

// ReportService stores and reads reports. Every read applies Visible: a
// report v may not see is ENOTFOUND, exactly like a missing one.
type ReportService interface {
	// CreateReport validates and durably stores a report of v's org with a
	// queued extraction job before returning. A report whose Release is the
	// zero Release gets the org's default release (DefaultReleaseService). When v's org already has a
	// report with the same content, the new source is recorded on it and that
	// report is returned with created false. EFORBIDDEN if v may not submit;
	// EINVALID for a group v's org is not a member of (or that does not exist).
	CreateReport(ctx context.Context, v Viewer, r *Report) (created bool, err error)
	// CreateReports is CreateReport for a batch in one transaction (ingest).
	CreateReports(ctx context.Context, v Viewer, rs []*Report) (created []bool, err error)
	// FindReport returns a report and its Document (nil until done).
	FindReport(ctx context.Context, v Viewer, id string) (*Report, *Document, error)
	// SearchReports returns visible reports matching the words, best first.
	SearchReports(ctx context.Context, v Viewer, f ReportFilter) (rs []*Report, next string, err error)
	// CountReports counts visible reports matching the words ("" for all).
	CountReports(ctx context.Context, v Viewer, query string) (int, error)
	// SetRelease changes a report's release. Only v's own org's admins may;
	// a report v cannot see is ENOTFOUND, one v sees but may not change EFORBIDDEN.
	SetRelease(ctx context.Context, v Viewer, id string, r Release) error
}

// EventService queries events derived from visible reports only. The rule is
// applied before limits and counts.
type EventService interface {
	// FindEvents returns visible events matching f, newest first, and a
	// cursor for the next page ("" at the end).
	FindEvents(ctx context.Context, v Viewer, f EventFilter) ([]*StoredEvent, string, error)
	// CountEvents counts visible events matching f (Limit and Cursor ignored).
	CountEvents(ctx context.Context, v Viewer, f EventFilter) (int, error)
	// EventFacets counts visible events matching f by CAMEO root.
	EventFacets(ctx context.Context, v Viewer, f EventFilter) ([]Count, error)
	// FindActor returns what visible reports say about an actor (by id or
	// code). ENOTFOUND when no visible report mentions it.
	FindActor(ctx context.Context, v Viewer, id string) (*ActorProfile, error)
	// Overview summarises the visible reports and events of a window of
	// days (see Overview and OverviewWindow for the default window).
	Overview(ctx context.Context, v Viewer, f OverviewFilter) (*Overview, error)
}

// JobService is the durable queue of extraction jobs. Claims are leases: a
// job whose worker died is claimed again once its lease expires.
type JobService interface {
	// ClaimJobs claims up to n runnable jobs for lease.
	ClaimJobs(ctx context.Context, n int, lease time.Duration) ([]*Job, error)
	// FinishJobs records results in one transaction: a Document is stored
	// with its derived rows and the report marked done; an error schedules a
	// retry with backoff, or marks the report failed after the last attempt.
	FinishJobs(ctx context.Context, results []JobResult) error
	// RequeueJobs returns claimed jobs to the queue without counting an
	// attempt (graceful shutdown).
	RequeueJobs(ctx context.Context, jobs []*Job) error
	// ReprocessReports queues every report whose Document was made by
	// another extractor or KB version; it returns how many.
	ReprocessReports(ctx context.Context, extractor, kb string) (int, error)
	// QueueStats returns job counts by state.
	QueueStats(ctx context.Context) (map[string]int, error)
}

// Store is every service a cell needs, over one database.
type Store interface {
	OrgService
	GroupService
	TokenService
	ReportService
	EventService
	JobService
	AuditService          // audit.go
	DefaultReleaseService // audit.go
	// Ping checks the database answers (readiness).
	Ping(ctx context.Context) error
	Close() error
}
