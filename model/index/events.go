package index

// eventChunk is how many events one chunk of the store holds.
const eventChunk = 1 << 16

// events stores the index's events in fixed chunks: appending never copies what is there (a
// growing slice of a million 170-byte events would copy hundreds of MB and briefly need twice the
// memory), and a pointer to an event stays valid.
type events struct {
	chunks [][]event
	n      int
}

func (s *events) len() int { return s.n }

// at returns the event ref; the caller holds the index's lock.
func (s *events) at(ref EventRef) *event {
	return &s.chunks[ref/eventChunk][ref%eventChunk]
}

func (s *events) append(e event) {
	if s.n%eventChunk == 0 {
		s.chunks = append(s.chunks, make([]event, 0, eventChunk))
	}
	last := &s.chunks[len(s.chunks)-1]
	*last = append(*last, e)
	s.n++
}
