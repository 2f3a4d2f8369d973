package index

import "hash/maphash"

// idTable finds events by eventID for de-duplication and `id:` terms. It is an open-addressing
// table of event refs over the IDs already in the arena: 4 to 8 bytes per event, where a map from
// ID to ref costs about 30.
type idTable struct {
	seed  maphash.Seed
	slots []uint32 // ref+1; 0 is empty
	n     int
}

func newIDTable() idTable {
	return idTable{seed: maphash.MakeSeed(), slots: make([]uint32, 1024)}
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
	mask := uint64(len(t.slots) - 1)
	for i := t.hash(key.b) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		id := x.events.at(s - 1).id
		if (id.n&packedUUID != 0) == key.packed && string(x.arena.bytes(id)) == string(key.b) {
			return s - 1, true
		}
	}
}

// insert adds ref, whose ID is not in the table yet.
func (t *idTable) insert(x *Index, ref EventRef, key idKey) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow(x)
	}
	mask := uint64(len(t.slots) - 1)
	i := t.hash(key.b) & mask
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = ref + 1
	t.n++
}

func (t *idTable) grow(x *Index) {
	old := t.slots
	t.slots = make([]uint32, 2*len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := t.hash(x.arena.bytes(x.events.at(s-1).id)) & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
