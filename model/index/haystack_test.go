package index

import (
	"slices"
	"testing"
)

func TestHaystack(t *testing.T) {
	var h haystack
	for i, v := range []string{"alpha", "beta", "alphabet", "ab", "bet"} {
		h.add(Sym(i+1), v)
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
		h.each(tt.sub, func(v Sym) { got = append(got, v) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("each(%q) = %v, want %v", tt.sub, got, tt.want)
		}
	}
}
