package index

import (
	"hash/maphash"
	"strings"
	"unsafe"
)

// Sym is an interned string: the index stores each distinct name, ARN, IP and so on once.
// The zero Sym is the empty string.
type Sym uint32

// symSeed hashes strings for every symbol table: a block's hashes, made in parallel while it is
// prepared, are the index's, so the serial merge hashes nothing.
var symSeed = maphash.MakeSeed()

func symHash(s string) uint64 { return maphash.String(symSeed, s) }

// symtab interns strings. It is not safe for concurrent use: the Index guards it. It is an open-addressing
// table of Syms over the strings it holds, whose bytes are copied end to end into large chunks: at a million
// distinct values (access keys, ARNs, object keys) that is a few pointer-free arrays for the collector, not a
// million small strings and a map of them.
type symtab struct {
	strs  []string // by Sym; the bytes live in chunks
	slots []uint64 // Sym, and the top half of its string's hash (which also places it); 0 is empty
	chunk []byte   // the chunk being filled
}

const symChunk = 1 << 20

func newSymtab() symtab {
	return symtab{strs: []string{""}, slots: make([]uint64, 1024)}
}

func (t *symtab) intern(s string) Sym { return t.internHashed(s, symHash(s)) }

// internHashed interns s, whose symHash is h.
func (t *symtab) internHashed(s string, h uint64) Sym {
	if s == "" {
		return 0
	}
	i, found := t.find(s, h)
	if found {
		return Sym(uint32(t.slots[i]))
	}
	if 4*len(t.strs) > 3*len(t.slots) { // at most three quarters full: the fingerprints keep probes cheap
		t.grow()
		i, _ = t.find(s, h)
	}
	id := Sym(len(t.strs))
	t.strs = append(t.strs, t.keep(s))
	t.slots[i] = h>>32<<32 | uint64(id)
	return id
}

// find returns the slot holding s, or the empty slot where it would go. The fingerprint in each slot
// spares reading the strings of the others.
func (t *symtab) find(s string, h uint64) (int, bool) {
	mask := uint64(len(t.slots) - 1)
	fp := h >> 32
	for i := fp & mask; ; i = (i + 1) & mask {
		v := t.slots[i]
		if v == 0 {
			return int(i), false
		}
		if v>>32 == fp && t.strs[uint32(v)] == s {
			return int(i), true
		}
	}
}

func (t *symtab) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, v := range old {
		if v == 0 {
			continue
		}
		i := v >> 32 & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = v
	}
}

// keep returns a copy of s that the table owns (the decoder's strings may share a large buffer).
func (t *symtab) keep(s string) string {
	if len(s) > symChunk/8 {
		return strings.Clone(s)
	}
	if cap(t.chunk)-len(t.chunk) < len(s) {
		t.chunk = make([]byte, 0, symChunk)
	}
	start := len(t.chunk)
	t.chunk = append(t.chunk, s...)
	// The bytes are never written again: appends only write past them, and a full chunk is left as it is.
	return unsafe.String(&t.chunk[start], len(s))
}

func (t *symtab) lookup(s string) (Sym, bool) {
	if s == "" {
		return 0, true
	}
	i, ok := t.find(s, symHash(s))
	if !ok {
		return 0, false
	}
	return Sym(uint32(t.slots[i])), true
}
