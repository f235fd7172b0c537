package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intelcell/intelcell"
)

func init() {
	org := &command{name: "org", usage: "create NAME [--default-audience A --default-tlp T --default-groups G,H --default-attribution=BOOL] | set-default NAME --default-audience A [...] | list  [--data DIR | --db URL]",
		help: "Create or list the cell's partner organisations; set an org's default release (the release of reports it submits without one)."}
	org.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(org, stderr)
		data := dataFlag(fs)
		defaultRelease := releaseFlags(fs) // audit.go
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return wrapUsage("give create NAME, set-default NAME or list")
		}
		def, hasDef, err := defaultRelease()
		if err != nil {
			return err
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		switch {
		case pos[0] == "create" && len(pos) == 2:
			o, err := db.CreateOrg(ctx, pos[1])
			if err != nil {
				return err
			}
			if err := auditCLI(ctx, db, intelcell.AuditCreate, "org", o.Name, ""); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created org %s\n", o.Name)
			if hasDef {
				if err := db.SetOrgDefaultRelease(ctx, o.Name, def); err != nil {
					return err
				}
				fmt.Fprintf(stdout, "default release of %s: %s\n", o.Name, releaseString(def))
				return auditCLI(ctx, db, intelcell.AuditChange, "org-default-release", o.Name, releaseString(def))
			}
			return nil
		case pos[0] == "set-default" && len(pos) == 2:
			if !hasDef {
				return wrapUsage("give the default release: --default-audience A [--default-tlp T] [--default-groups G,H] [--default-attribution=false]")
			}
			if err := db.SetOrgDefaultRelease(ctx, pos[1], def); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "default release of %s: %s\n", pos[1], releaseString(def))
			return auditCLI(ctx, db, intelcell.AuditChange, "org-default-release", pos[1], releaseString(def))
		case pos[0] == "list" && len(pos) == 1:
			orgs, err := db.FindOrgs(ctx)
			if err != nil {
				return err
			}
			for _, o := range orgs {
				def, err := db.OrgDefaultRelease(ctx, o.Name)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s\t%s\tdefault %s\n", o.Name, o.Created.Format(time.RFC3339), releaseString(def))
			}
			return nil
		}
		return wrapUsage("give create NAME, set-default NAME or list")
	}
	register(org)

	group := &command{name: "group", usage: "create --orgs A,B NAME | add NAME ORG | remove NAME ORG | list  [--data DIR | --db URL]",
		help: "Create sharing groups of orgs, change their members, list them."}
	group.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(group, stderr)
		data := dataFlag(fs)
		orgs := fs.String("orgs", "", "comma-separated member orgs (create)")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return wrapUsage("give create, add, remove or list")
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		switch {
		case pos[0] == "create" && len(pos) == 2:
			var members []string
			for _, o := range strings.Split(*orgs, ",") {
				if o = strings.TrimSpace(o); o != "" {
					members = append(members, o)
				}
			}
			g, err := db.CreateGroup(ctx, pos[1], members)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "created group %s: %s\n", g.Name, strings.Join(g.Orgs, ", "))
			return auditCLI(ctx, db, intelcell.AuditCreate, "group", g.Name, "members "+strings.Join(g.Orgs, ","))
		case (pos[0] == "add" || pos[0] == "remove") && len(pos) == 3:
			if err := db.SetGroupMember(ctx, pos[1], pos[2], pos[0] == "add"); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "group %s: %sed %s\n", pos[1], strings.TrimSuffix(pos[0], "e"), pos[2])
			return auditCLI(ctx, db, intelcell.AuditChange, "group", pos[1], pos[0]+" "+pos[2])
		case pos[0] == "list" && len(pos) == 1:
			gs, err := db.FindGroups(ctx, intelcell.Viewer{Org: -1, Role: intelcell.RoleCellAdmin})
			if err != nil {
				return err
			}
			for _, g := range gs {
				fmt.Fprintf(stdout, "%s\t%s\n", g.Name, strings.Join(g.Orgs, ","))
			}
			return nil
		}
		return wrapUsage("give create --orgs A,B NAME, add NAME ORG, remove NAME ORG or list")
	}
	register(group)

	token := &command{name: "token", usage: "create --org NAME [--role cell-admin|admin|analyst|reader] [--name TEXT] | revoke ID | list [--org NAME]  [--data DIR | --db URL]",
		help: "Create, revoke or list API tokens. A new token is printed once, alone on the last line; only its hash is stored."}
	token.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(token, stderr)
		data := dataFlag(fs)
		org := fs.String("org", "", "the token's org")
		role := fs.String("role", "reader", "cell-admin, admin (of the org), analyst or reader")
		name := fs.String("name", "", "who or what uses the token (shown in lists; not secret)")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) == 0 {
			return wrapUsage("give create, revoke or list")
		}
		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		switch {
		case pos[0] == "create" && len(pos) == 1:
			if *org == "" {
				return wrapUsage("--org is required")
			}
			t, secret, err := db.CreateNamedToken(ctx, *org, intelcell.Role(*role), strings.TrimSpace(*name))
			if err != nil {
				return err
			}
			detail := "org " + t.Org + " role " + string(t.Role)
			if t.Name != "" {
				detail += " name " + t.Name
			}
			if err := auditCLI(ctx, db, intelcell.AuditCreate, "token", t.ID, detail); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "token %s for org %s, role %s (shown once; keep it secret):\n%s\n", t.ID, t.Org, t.Role, secret)
			return nil
		case pos[0] == "revoke" && len(pos) == 2:
			if err := db.RevokeToken(ctx, pos[1]); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "revoked token %s\n", pos[1])
			return auditCLI(ctx, db, intelcell.AuditChange, "token", pos[1], "revoke")
		case pos[0] == "list" && len(pos) == 1:
			toks, err := db.FindTokens(ctx, *org)
			if err != nil {
				return err
			}
			ids := make([]string, len(toks))
			for i, t := range toks {
				ids[i] = t.ID
			}
			names, err := db.TokenNames(ctx, ids)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tORG\tROLE\tCREATED\tLAST USED\tREVOKED\tNAME")
			ts := func(t *time.Time) string {
				if t == nil {
					return "-"
				}
				return t.Format(time.RFC3339)
			}
			for _, t := range toks {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Org, t.Role, t.Created.Format(time.RFC3339), ts(t.LastUsed), ts(t.Revoked), names[t.ID])
			}
			return tw.Flush()
		}
		return wrapUsage("give create --org NAME, revoke ID or list")
	}
	register(token)
}
