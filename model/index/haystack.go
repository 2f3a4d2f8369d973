package index

import (
	"bytes"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// haystack holds every distinct value of one field, lower-cased, end to end in one buffer, so that
// a substring term is a few bytes.Index passes over contiguous memory (vectorised) rather than a
// call per value: 150k resource IDs are searched in a few milliseconds. Ingest only notes each new
// value's Sym; the buffer is built by the first search and extended by later ones with the values
// added since, so that a load that never searches by substring (a cold query of one event name)
// neither lower-cases a million strings in the serial merge nor keeps a second copy of them.
type haystack struct {
	syms []Sym // every value, in the order they came; appended under the index's write lock

	mu   sync.Mutex // guards buf and ends, which searches (under the read lock) build
	buf  []byte     // the values of syms[:len(ends)], each followed by a 0 byte
	ends []uint32   // where each value ends in buf
}

// add notes a new value of the field; the caller holds the index's write lock.
func (h *haystack) add(v Sym) { h.syms = append(h.syms, v) }

// extendLocked lower-cases into buf the values added since the last search, reading them from syms.
func (h *haystack) extendLocked(syms *symtab) {
	for _, v := range h.syms[len(h.ends):] {
		h.buf = appendLower(h.buf, syms.str(v))
		h.ends = append(h.ends, uint32(len(h.buf)))
		h.buf = append(h.buf, 0)
	}
}

// appendLower appends s lower-cased to b, without an intermediate string when s is ASCII.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// each calls fn once for every value that contains the lower-cased sub.
// syms are the index's strings, read under the index's read lock.
func (h *haystack) each(syms *symtab, sub string, fn func(Sym)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.extendLocked(syms)
	needle := []byte(sub)
	for i := 0; i < len(h.buf); {
		j := bytes.Index(h.buf[i:], needle)
		if j < 0 {
			return
		}
		at := i + j
		k := sort.Search(len(h.ends), func(k int) bool { return int(h.ends[k]) > at })
		if k == len(h.ends) {
			return
		}
		if at+len(needle) <= int(h.ends[k]) {
			fn(h.syms[k])
			i = int(h.ends[k]) + 1 // the next value
		} else {
			i = at + 1 // a match across the end of a value: look further
		}
	}
}

// matcher selects the values of a field: a literal substring searched in the field's haystack, or
// a predicate over each value.
type matcher struct {
	sub  string // lower-cased; used when pred is nil
	pred func(value string) bool
}

var matchAll = matcher{pred: func(string) bool { return true }}

// equalFold matches a value equal to v, or matching it with '*' wildcards, ignoring case.
func equalFold(v string) matcher {
	if strings.Contains(v, "*") {
		return matcher{pred: func(s string) bool { return filter.MatchWildcard(v, s) }}
	}
	return matcher{pred: func(s string) bool { return strings.EqualFold(s, v) }}
}

// substring matches a value that contains v (or matches it, when v has wildcards), ignoring case.
func substring(v string) matcher {
	if strings.Contains(v, "*") {
		return matcher{pred: func(s string) bool { return filter.MatchWildcard("*"+v+"*", s) }}
	}
	if v == "" {
		return matchAll
	}
	return matcher{sub: strings.ToLower(v)}
}

// resourceMatcher matches resources by a substring of their kind and ID; an ARN typed by the user
// matches the resource it names, whichever form the events used, and an s3:// or queue URL its ID.
func resourceMatcher(v string) matcher {
	if r, ok := cloudtrail.ResourceFromARN(v); ok {
		key := r.Key()
		return matcher{pred: func(s string) bool { return strings.EqualFold(s, key) }}
	}
	return substring(cloudtrail.NormalizeResourceTerm(v)) // over the resource's key: its kind and ID
}
