package index

import (
	"fmt"
	"strings"
	"testing"
)

// TestSymtab interns enough strings to fill several chunks, with strings too long for a chunk among
// them, and reads every one back by its Sym and by lookup.
func TestSymtab(t *testing.T) {
	tab := newSymtab()
	var want []string
	for i := range 40000 {
		s := fmt.Sprintf("arn:aws:iam::123456789012:role/r-%d", i)
		if i%5000 == 7 {
			s = strings.Repeat(s, symChunk/8/len(s)+1) // longer than symChunk/8: a chunk of its own
		}
		want = append(want, s)
		if v := tab.intern(s); v != Sym(i+1) {
			t.Fatalf("intern(%.40q) = %d, want %d", s, v, i+1)
		}
	}
	if len(tab.chunks) < 3 {
		t.Fatalf("%d chunks: the test does not cross a chunk", len(tab.chunks))
	}
	if tab.intern("") != 0 || tab.str(0) != "" {
		t.Error(`"" is not Sym 0`)
	}
	for i, s := range want {
		v := Sym(i + 1)
		if got := tab.str(v); got != s {
			t.Fatalf("str(%d) = %.40q, want %.40q", v, got, s)
		}
		if got, ok := tab.lookup(s); !ok || got != v {
			t.Fatalf("lookup(%.40q) = %d, %v, want %d", s, got, ok, v)
		}
		if got := tab.intern(strings.Clone(s)); got != v {
			t.Fatalf("intern again (%.40q) = %d, want %d", s, got, v)
		}
	}
	if _, ok := tab.lookup("arn:aws:iam::123456789012:role/r-40000"); ok {
		t.Error("lookup found a string never interned")
	}
}
