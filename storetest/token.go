package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/intelcell/intelcell"
)

// testTokenNames checks that a token's name is kept with it.
func testTokenNames(t *testing.T, s intelcell.Store) {
	ctx := context.Background()
	newCell(t, s, []string{"alpha"}, nil)
	tok, secret, err := s.CreateNamedToken(ctx, "alpha", intelcell.RoleAnalyst, "Ana’s laptop")
	if err != nil || tok.Name != "Ana’s laptop" || tok.Org != "alpha" || tok.Role != intelcell.RoleAnalyst || secret == "" {
		t.Fatalf("named token %+v %v", tok, err)
	}
	if v, err := s.Authenticate(ctx, secret); err != nil || v.TokenID != tok.ID || v.Role != intelcell.RoleAnalyst {
		t.Errorf("named token authenticates as %+v %v", v, err)
	}
	plain, _, err := s.CreateToken(ctx, "alpha", intelcell.RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	names, err := s.TokenNames(ctx, []string{tok.ID, plain.ID, "nope"})
	if err != nil || len(names) != 1 || names[tok.ID] != "Ana’s laptop" {
		t.Errorf("names %v %v", names, err)
	}
	for _, bad := range []string{strings.Repeat("x", intelcell.MaxTokenName+1), "a\nb", "\x00", "\xff"} {
		if _, _, err := s.CreateNamedToken(ctx, "alpha", intelcell.RoleReader, bad); code(err) != intelcell.EINVALID {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	if _, _, err := s.CreateNamedToken(ctx, "nobody", intelcell.RoleReader, "x"); code(err) != intelcell.ENOTFOUND {
		t.Errorf("token of no org: %v", err)
	}
}
