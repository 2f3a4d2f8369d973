package index

import "hash/maphash"

// identities holds the index's distinct identities in fixed chunks (a growing slice of half a million
// would keep up to as much again in spare capacity), with an open-addressing table of their numbers to find
// one by what makes it distinct.
type identities struct {
	chunks [][]identity
	n      int
	slots  []uint32 // identity number + 1; 0 is empty
}

const identChunk = 1 << 12

var identSeed = maphash.MakeSeed()

func (s *identities) len() int { return s.n }

// at returns identity i.
func (s *identities) at(i uint32) *identity { return &s.chunks[i/identChunk][i%identChunk] }

// lookup returns the number of the identity k, if the table holds it. It writes nothing.
func (s *identities) lookup(k *identityKey) (uint32, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	i, _, ok := s.find(k)
	return i, ok
}

// find returns the number of the identity k, or where to add it.
func (s *identities) find(k *identityKey) (uint32, int, bool) {
	if len(s.slots) == 0 {
		s.slots = make([]uint32, 1024)
	}
	mask := uint64(len(s.slots) - 1)
	for i := maphash.Comparable(identSeed, *k) & mask; ; i = (i + 1) & mask {
		v := s.slots[i]
		if v == 0 {
			return 0, int(i), false
		}
		if s.at(v-1).identityKey == *k {
			return v - 1, int(i), true
		}
	}
}

// add appends who, which find did not find, and returns its number.
func (s *identities) add(who identity) uint32 {
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	_, slot, _ := s.find(&who.identityKey)
	if s.n%identChunk == 0 {
		s.chunks = append(s.chunks, make([]identity, 0, identChunk))
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, who)
	s.slots[slot] = uint32(s.n) + 1
	s.n++
	return uint32(s.n - 1)
}

func (s *identities) grow() {
	s.slots = make([]uint32, max(1024, 2*len(s.slots)))
	mask := uint64(len(s.slots) - 1)
	for v := range s.n {
		i := maphash.Comparable(identSeed, s.at(uint32(v)).identityKey) & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = uint32(v) + 1
	}
}
