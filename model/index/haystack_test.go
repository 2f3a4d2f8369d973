package index

import (
	"slices"
	"testing"
)

func TestHaystack(t *testing.T) {
	var h haystack
	syms := newSymtab()
	for i, v := range []string{"Alpha", "beta", "alphaBET", "ab", "bet", "é-Bet"} {
		if s := syms.intern(v); s != Sym(i+1) {
			t.Fatalf("intern(%q) = %d, want %d", v, s, i+1)
		}
	}
	for i := range 5 {
		h.add(Sym(i + 1))
	}
	tests := []struct {
		sub  string
		want []Sym
	}{
		{"alpha", []Sym{1, 3}},
		{"bet", []Sym{2, 3, 5}},
		{"a", []Sym{1, 2, 3, 4}},
		{"betab", nil},     // across the end of "beta" and the start of "alphabet": not a value
		{"abet", []Sym{3}}, // inside one value only
		{"t", []Sym{2, 3, 5}},
		{"zzz", nil},
	}
	for _, tt := range tests {
		var got []Sym
		h.each(&syms, tt.sub, func(v Sym) { got = append(got, v) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("each(%q) = %v, want %v", tt.sub, got, tt.want)
		}
	}
	// A value added after a search is found by the next one, lower-cased beyond ASCII too.
	h.add(6)
	for sub, want := range map[string][]Sym{"é-bet": {6}, "bet": {2, 3, 5, 6}} {
		var got []Sym
		h.each(&syms, sub, func(v Sym) { got = append(got, v) })
		if !slices.Equal(got, want) {
			t.Errorf("after an add, each(%q) = %v, want %v", sub, got, want)
		}
	}
}
