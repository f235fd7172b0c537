package cameo

import "testing"

func TestLookupAndPlover(t *testing.T) {
	tests := []struct {
		code, plover string
		quad         int
		gold         float64
	}{
		{"0314", "AGREE", 1, 5.2}, {"040", "CONSULT", 1, 1.0}, {"195", "ASSAULT", 4, -10},
		{"1823", "ASSAULT", 4, -9.5}, {"0841", "RETREAT", 2, 7.0}, {"081", "CONCEDE", 2, 5.0},
		{"112", "ACCUSE", 3, -2}, {"020", "REQUEST", 1, 3.0}, {"010", "", 1, 0}, {"173", "COERCE", 4, -5},
	}
	for _, tt := range tests {
		c, ok := Lookup(tt.code)
		if !ok || c.Plover != tt.plover || c.QuadClass != tt.quad || c.Goldstein != tt.gold {
			t.Errorf("Lookup(%s) = %+v, want plover %s quad %d goldstein %v", tt.code, c, tt.plover, tt.quad, tt.gold)
		}
	}
	if _, ok := Lookup("99"); ok {
		t.Error("99 is not a CAMEO code")
	}
}

func TestIntent(t *testing.T) {
	for act, want := range map[string]string{"064": "0314", "0314": "0314", "073": "0333", "190": "1384", "195": "1384",
		"040": "036", "1823": "1383", "204": "1385", "130": "130"} {
		if got := Intent(act); got != want {
			t.Errorf("Intent(%s) = %s, want %s", act, got, want)
		}
	}
}
