package intelcell_test

import (
	"testing"

	"github.com/intelcell/intelcell"
)

func TestReleaseValidate(t *testing.T) {
	g := []string{"g1"}
	tests := []struct {
		a   intelcell.Audience
		tlp intelcell.TLP
		gs  []string
		ok  bool
	}{
		{"org", "red", nil, true},
		{"org", "amber+strict", nil, true},
		{"org", "amber", nil, true},
		{"org", "green", nil, true},
		{"org", "clear", nil, true},
		{"groups", "red", g, false},
		{"groups", "amber+strict", g, false},
		{"groups", "amber", g, true},
		{"groups", "green", g, true},
		{"groups", "clear", g, true},
		{"groups", "amber", nil, false},
		{"groups", "amber", []string{" "}, false},
		{"cell", "amber", nil, false},
		{"cell", "green", nil, true},
		{"cell", "clear", nil, true},
		{"cell", "clear", g, false},
		{"public", "red", nil, false},
		{"public", "amber", nil, false},
		{"public", "green", nil, false},
		{"public", "clear", nil, true},
		{"world", "clear", nil, false},
		{"public", "white", nil, false},
		{"", "", nil, false},
	}
	for _, tc := range tests {
		err := intelcell.Release{Audience: tc.a, TLP: tc.tlp, Groups: tc.gs}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("%s/%s/%v: %v", tc.a, tc.tlp, tc.gs, err)
		}
		if err != nil && intelcell.ErrorCode(err) != intelcell.EINVALID {
			t.Errorf("code %s", intelcell.ErrorCode(err))
		}
	}
}

func TestVisible(t *testing.T) {
	const owner, other, third intelcell.OrgID = 1, 2, 3
	anon := intelcell.Viewer{}
	own := intelcell.Viewer{Org: owner, Role: intelcell.RoleReader}
	member := intelcell.Viewer{Org: other, Groups: []string{"g1", "g9"}, Role: intelcell.RoleReader}
	outsider := intelcell.Viewer{Org: third, Groups: []string{"g2"}, Role: intelcell.RoleCellAdmin}
	rel := func(a intelcell.Audience, tlp intelcell.TLP, gs ...string) intelcell.Release {
		return intelcell.Release{Audience: a, TLP: tlp, Groups: gs}
	}
	tests := []struct {
		name string
		r    intelcell.Release
		want [4]bool // anon, own, member, outsider
	}{
		{"org red", rel("org", "red"), [4]bool{false, true, false, false}},
		{"org clear", rel("org", "clear"), [4]bool{false, true, false, false}},
		{"groups amber", rel("groups", "amber", "g1"), [4]bool{false, true, true, false}},
		{"groups any of", rel("groups", "green", "g3", "g9"), [4]bool{false, true, true, false}},
		{"cell", rel("cell", "green"), [4]bool{false, true, true, true}},
		{"public", rel("public", "clear"), [4]bool{true, true, true, true}},
		{"invalid: owner only", rel("public", "red"), [4]bool{false, true, false, false}},
		{"invalid groups: owner only", rel("groups", "red", "g1"), [4]bool{false, true, false, false}},
	}
	for _, tc := range tests {
		for i, v := range []intelcell.Viewer{anon, own, member, outsider} {
			if got := intelcell.Visible(v, owner, tc.r); got != tc.want[i] {
				t.Errorf("%s viewer %d: got %v", tc.name, i, got)
			}
		}
	}
	// The anonymous viewer never owns anything.
	if intelcell.Visible(anon, 0, rel("org", "red")) {
		t.Error("anonymous sees an ownerless report")
	}
}

func TestReportValidate(t *testing.T) {
	ok := intelcell.Report{Text: "x", Date: "2020-01-01", Release: intelcell.DefaultRelease}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []intelcell.Report{
		{Text: " ", Date: "2020-01-01", Release: intelcell.DefaultRelease},
		{Text: "x", Date: "2020-13-01", Release: intelcell.DefaultRelease},
		{Text: "x", Date: "2020-01-01"},
	} {
		if r.Validate() == nil {
			t.Errorf("accepted %+v", r)
		}
	}
}
