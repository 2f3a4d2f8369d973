package index

import "strings"

// Sym is an interned string: the index stores each distinct name, ARN, IP and so on once.
// The zero Sym is the empty string.
type Sym uint32

// symtab interns strings. It is not safe for concurrent use: the Index guards it.
type symtab struct {
	strs []string
	ids  map[string]Sym
}

func newSymtab() symtab {
	return symtab{strs: []string{""}, ids: map[string]Sym{"": 0}}
}

func (t *symtab) intern(s string) Sym {
	if id, ok := t.ids[s]; ok {
		return id
	}
	// The decoder's strings may share a large buffer; keep an owned copy of the few distinct ones.
	s = strings.Clone(s)
	id := Sym(len(t.strs))
	t.strs = append(t.strs, s)
	t.ids[s] = id
	return id
}

func (t *symtab) lookup(s string) (Sym, bool) {
	id, ok := t.ids[s]
	return id, ok
}
