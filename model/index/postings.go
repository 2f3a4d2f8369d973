package index

// postings holds the index's posting lists in fixed chunks, found by number: a list's address never
// changes, and the maps from values to lists and the identities hold numbers, which the collector does
// not have to scan.
type postings struct {
	chunks [][][]EventRef
	n      uint32
}

const postChunk = 1 << 12

// add makes an empty list and returns its number (from 1; 0 is no list).
func (p *postings) add() uint32 {
	if p.n%postChunk == 0 {
		p.chunks = append(p.chunks, make([][]EventRef, postChunk))
	}
	p.n++
	return p.n
}

// at returns list id.
func (p *postings) at(id uint32) *[]EventRef {
	return &p.chunks[(id-1)/postChunk][(id-1)%postChunk]
}
