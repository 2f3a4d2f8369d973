package index

import (
	"bytes"
	"sort"
	"strings"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// haystack holds every distinct value of one field, lower-cased, end to end in one buffer, so that
// a substring term is a few bytes.Index passes over contiguous memory (vectorised) rather than a
// call per value: 150k resource IDs are searched in a few milliseconds.
type haystack struct {
	buf  []byte   // the values, each followed by a 0 byte
	ends []uint32 // where each value ends in buf
	syms []Sym
}

func (h *haystack) add(v Sym, lower string) {
	h.buf = append(h.buf, lower...)
	h.ends = append(h.ends, uint32(len(h.buf)))
	h.buf = append(h.buf, 0)
	h.syms = append(h.syms, v)
}

// each calls fn once for every value that contains the lower-cased sub.
func (h *haystack) each(sub string, fn func(Sym)) {
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
