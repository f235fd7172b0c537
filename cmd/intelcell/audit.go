package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intelcell/intelcell"
)

// cliUser names who ran an admin command, for the audit log.
func cliUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

// auditCLI appends the audit entry of an administrative change made from
// the command line. A change that could not be audited is reported as a
// failure (the change itself is already made).
func auditCLI(ctx context.Context, s intelcell.AuditService, action, target, object, detail string) error {
	e := &intelcell.AuditEntry{Via: "cli", Action: action, Target: target, Object: object,
		Detail: strings.TrimSpace("user " + cliUser() + "; " + detail)}
	if err := s.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("done, but the audit log could not record it: %w", err)
	}
	return nil
}

// releaseString is a release in the compact form the CLI prints and audits.
func releaseString(r intelcell.Release) string {
	s := "audience=" + string(r.Audience)
	if len(r.Groups) > 0 {
		s += " groups=" + strings.Join(r.Groups, ",")
	}
	return s + fmt.Sprintf(" tlp=%s attribution=%v", r.TLP, r.Attribution)
}

func init() {
	c := &command{name: "audit", usage: "verify | list [--limit N] [--report ID] [--org NAME] [--action A]  [--data DIR]",
		help: "Verify the audit log's hash chain (exit 1 and the first broken entry if it was tampered with), or list\n" +
			"its newest entries: who read, searched, exported, created or changed what, when."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		data := dataFlag(fs)
		limit := fs.Int("limit", 50, "list: at most this many entries, newest first")
		report := fs.String("report", "", "list: only entries about this report")
		org := fs.String("org", "", "list: only entries of this acting org")
		action := fs.String("action", "", "list: only this action (read, search, export, create, change)")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 || (pos[0] != "verify" && pos[0] != "list") {
			return wrapUsage("give verify or list")
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		if pos[0] == "verify" {
			n, head, err := intelcell.VerifyAudit(ctx, db)
			var b *intelcell.AuditBreak
			if errors.As(err, &b) {
				fmt.Fprintf(stdout, "audit log BROKEN at entry %d: %s (%d entries before it verify)\n", b.Seq, b.Reason, n)
				return errFailed
			} else if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "audit log intact: %d entries, head %s\n", n, head)
			return nil
		}
		if *limit < 1 || *limit > 1000 {
			return wrapUsage("--limit must be 1 to 1000")
		}
		es, _, err := db.FindAudit(ctx, intelcell.Viewer{Org: -1, Role: intelcell.RoleCellAdmin},
			intelcell.AuditFilter{Report: *report, Org: *org, Action: *action, Limit: *limit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tTIME\tVIA\tORG\tTOKEN\tROLE\tACTION\tTARGET\tOBJECT\tSTATUS\tDETAIL")
		dash := func(s string) string {
			if s == "" {
				return "-"
			}
			return s
		}
		for _, e := range es {
			st := "-"
			if e.Status != 0 {
				st = fmt.Sprint(e.Status)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Format(time.RFC3339), e.Via, dash(e.OrgName),
				dash(e.TokenID), dash(string(e.Role)), e.Action, e.Target, dash(e.Object), st, dash(e.Detail))
		}
		return tw.Flush()
	}
	register(c)
}

// releaseFlags adds --default-audience, --default-tlp, --default-groups and
// --default-attribution to an org command's flags. The returned function
// builds the release they give; given is false when none was set.
func releaseFlags(fs *flag.FlagSet) func() (rel intelcell.Release, given bool, err error) {
	audience := fs.String("default-audience", "", "default release of the org's reports: org, groups, cell or public")
	tlp := fs.String("default-tlp", "", "default TLP 2.0 label: clear, green, amber, amber+strict or red (default: the one matching the audience)")
	groups := fs.String("default-groups", "", "default sharing groups, comma-separated (with --default-audience groups)")
	attribution := fs.Bool("default-attribution", true, "whether others may see which org sent the reports, by default")
	return func() (intelcell.Release, bool, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["default-audience"] && !set["default-tlp"] && !set["default-groups"] && !set["default-attribution"] {
			return intelcell.Release{}, false, nil
		}
		if *audience == "" {
			return intelcell.Release{}, true, wrapUsage("--default-audience is required with the other --default- flags")
		}
		rel := intelcell.Release{Audience: intelcell.Audience(strings.ToLower(*audience)), TLP: intelcell.TLP(strings.ToLower(*tlp)), Attribution: *attribution}
		if rel.TLP == "" {
			rel.TLP = intelcell.TLPForAudience(rel.Audience)
		}
		for _, g := range strings.Split(*groups, ",") {
			if g = strings.TrimSpace(g); g != "" {
				rel.Groups = append(rel.Groups, g)
			}
		}
		if err := rel.Validate(); err != nil {
			return rel, true, wrapUsage("%s", intelcell.ErrorMessage(err))
		}
		return rel, true, nil
	}
}
