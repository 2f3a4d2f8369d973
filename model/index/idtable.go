package index

import "hash/maphash"

// idTable finds events by eventID for de-duplication and `id:` terms. It is an open-addressing
// table of event refs over the IDs already in the arena: 4 to 8 bytes per event, where a map from
// ID to ref costs about 30.
type idTable struct {
	seed  maphash.Seed
	slots []uint64 // ref+1, and the top half of the ID's hash (which also places it); 0 is empty
	n     int
}

func newIDTable() idTable {
	return idTable{seed: maphash.MakeSeed(), slots: make([]uint64, 1024)}
}

// hash hashes an ID in its stored form (a packed UUID or its bytes), so that growing the table
// needs no allocation.
func (t *idTable) hash(stored []byte) uint64 { return maphash.Bytes(t.seed, stored) }

// idKey is an ID in the form the arena stores it.
type idKey struct {
	b      []byte
	packed bool
}

// storedForm returns what the arena would store for id.
func storedForm(id string) idKey {
	if u, ok := packUUID(id); ok {
		return idKey{u[:], true}
	}
	return idKey{[]byte(id), false}
}

// find returns the event whose ID has the stored form key.
func (t *idTable) find(x *Index, key idKey) (EventRef, bool) {
	return t.findHashed(x, key, t.hash(key.b))
}

// findHashed is find with the key's hash already made.
// The fingerprint in each slot spares looking at the events and IDs of the others.
func (t *idTable) findHashed(x *Index, key idKey, h uint64) (EventRef, bool) {
	mask := uint64(len(t.slots) - 1)
	fp := h >> 32
	for i := fp & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if s>>32 != fp {
			continue
		}
		ref := EventRef(s) - 1
		id := x.events.at(ref).id
		if (id.n&packedUUID != 0) == key.packed && string(x.arena.bytes(id)) == string(key.b) {
			return ref, true
		}
	}
}

// insertHashed adds ref, whose ID (hashed to h) is not in the table yet.
func (t *idTable) insertHashed(x *Index, ref EventRef, h uint64) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	i := h >> 32 & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = h>>32<<32 | uint64(ref+1)
	t.n++
}

func (t *idTable) grow() {
	old := t.slots
	t.slots = make([]uint64, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := s >> 32 & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
