package index

import (
	"hash/maphash"
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
// table of Syms over the strings it holds, whose bytes are copied end to end into large chunks and found
// by position, not by pointer: at a million distinct values (access keys, ARNs, object keys) that is a few
// pointer-free arrays the collector never scans, not a million small strings and a map of them.
type symtab struct {
	refs   []strRef // by Sym: where its bytes are
	slots  []uint64 // Sym, and the top half of its string's hash (which also places it); 0 is empty
	chunks [][]byte // the bytes; a string longer than symChunk/8 has a chunk of its own
	fill   int      // the chunk being filled, plus one; 0: none yet
}

// strRef places a string in a symtab's chunks.
type strRef struct{ chunk, off, n uint32 }

const symChunk = 1 << 20

func newSymtab() symtab {
	return symtab{refs: []strRef{{}}, slots: make([]uint64, 1024)}
}

// str returns the string of v.
func (t *symtab) str(v Sym) string {
	r := t.refs[v]
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&t.chunks[r.chunk][r.off], r.n)
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
	if 4*len(t.refs) > 3*len(t.slots) { // at most three quarters full: the fingerprints keep probes cheap
		t.grow()
		i, _ = t.find(s, h)
	}
	id := Sym(len(t.refs))
	t.refs = append(t.refs, t.keep(s))
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
		if v>>32 == fp && t.str(Sym(uint32(v))) == s {
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

// keep copies s into the chunks (the decoder's strings may share a large buffer) and returns where.
// The bytes are never written again: appends only write past them, and a full chunk is left as it is.
func (t *symtab) keep(s string) strRef {
	if len(s) > symChunk/8 {
		t.chunks = append(t.chunks, []byte(s))
		return strRef{chunk: uint32(len(t.chunks) - 1), n: uint32(len(s))}
	}
	if t.fill == 0 || cap(t.chunks[t.fill-1])-len(t.chunks[t.fill-1]) < len(s) {
		t.chunks = append(t.chunks, make([]byte, 0, symChunk))
		t.fill = len(t.chunks)
	}
	c := &t.chunks[t.fill-1]
	off := len(*c)
	*c = append(*c, s...)
	return strRef{chunk: uint32(t.fill - 1), off: uint32(off), n: uint32(len(s))}
}

// lookupHashed returns the Sym of s, whose symHash is h, if the table holds it. It writes nothing.
func (t *symtab) lookupHashed(s string, h uint64) (Sym, bool) {
	i, ok := t.find(s, h)
	if !ok {
		return 0, false
	}
	return Sym(uint32(t.slots[i])), true
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
