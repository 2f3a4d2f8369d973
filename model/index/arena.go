package index

import (
	"encoding/hex"
	"math"
)

// text is a mostly-unique string (an eventID, a requestID) stored in the index's arena rather than
// interned: a canonical lower-case UUID takes 16 bytes, anything else its own length.
type text struct {
	off uint32
	n   uint32 // length in the arena; the top bit marks a packed UUID
}

const packedUUID = 1 << 31

// arena holds the bytes of every text, in chunks that are never copied once full.
type arena struct{ chunks [][]byte }

const arenaChunk = 4 << 20

func (a *arena) put(s string) text {
	if s == "" {
		return text{}
	}
	size := len(s)
	u, packed := packUUID(s)
	if packed {
		size = 16
	}
	if size > arenaChunk || len(a.chunks) >= math.MaxUint32/arenaChunk {
		return text{} // beyond what an index of this design holds; the raw record still has it
	}
	if len(a.chunks) == 0 || len(a.chunks[len(a.chunks)-1])+size > arenaChunk {
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunk))
	}
	last := &a.chunks[len(a.chunks)-1]
	off := uint32((len(a.chunks)-1)*arenaChunk + len(*last))
	if packed {
		*last = append(*last, u[:]...)
		return text{off: off, n: 16 | packedUUID}
	}
	*last = append(*last, s...)
	return text{off: off, n: uint32(size)}
}

// putKey stores an ID already in its stored form.
func (a *arena) putKey(k idKey) text {
	if len(k.b) == 0 || len(k.b) > arenaChunk || len(a.chunks) >= math.MaxUint32/arenaChunk {
		return text{}
	}
	if len(a.chunks) == 0 || len(a.chunks[len(a.chunks)-1])+len(k.b) > arenaChunk {
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunk))
	}
	last := &a.chunks[len(a.chunks)-1]
	off := uint32((len(a.chunks)-1)*arenaChunk + len(*last))
	*last = append(*last, k.b...)
	if k.packed {
		return text{off: off, n: uint32(len(k.b)) | packedUUID}
	}
	return text{off: off, n: uint32(len(k.b))}
}

// bytes returns the stored bytes of t.
func (a *arena) bytes(t text) []byte {
	c := a.chunks[t.off/arenaChunk]
	at := t.off % arenaChunk
	return c[at : at+t.n&^packedUUID]
}

func (a *arena) get(t text) string {
	if t.n == 0 {
		return ""
	}
	if t.n&packedUUID != 0 {
		return unpackUUID(a.bytes(t))
	}
	return string(a.bytes(t))
}

// equal reports whether t holds s, without allocating.
func (a *arena) equal(t text, s string) bool {
	if t.n == 0 {
		return s == ""
	}
	if t.n&packedUUID != 0 {
		u, ok := packUUID(s)
		return ok && string(a.bytes(t)) == string(u[:])
	}
	return string(a.bytes(t)) == s
}

// packUUID packs a canonical lower-case UUID (8-4-4-4-12 hex digits) into 16 bytes. Upper-case or
// other forms are stored as they are, so that get gives back exactly what was put.
func packUUID(s string) (u [16]byte, ok bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; {
		if s[i] == '-' {
			i++
			continue
		}
		hi, ok1 := lowerHex(s[i])
		lo, ok2 := lowerHex(s[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, true
}

func lowerHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func unpackUUID(b []byte) string {
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:])
}
