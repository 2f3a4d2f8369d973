package filter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MatchWildcard reports whether s matches pattern, case-insensitively (Unicode simple folding, as
// strings.EqualFold): '*' matches any run of characters, and a pattern without '*' means equality. It
// runs in time linear in len(pattern)+len(s) and does not allocate for short strings.
func MatchWildcard(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	if strings.IndexByte(pattern, '*') < 0 {
		return foldedEqual(pattern, s)
	}
	var pb [64]rune
	var sb [256]rune
	return matchFolded(appendFolded(pb[:0], pattern), appendFolded(sb[:0], s))
}

// nextFolded decodes the character at s[i] and returns its case-folded form and where the next one
// starts. A byte that is not valid UTF-8 becomes a negative value of its own, so that it equals only
// itself.
func nextFolded(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return rune(c), i + 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size == 1 {
		return -rune(c), i + 1
	}
	// The smallest rune of the simple-folding orbit stands for the whole orbit; when that is an ASCII
	// capital (the Kelvin sign folds with K and k) it is lowered, to agree with the ASCII case above.
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	if 'A' <= least && least <= 'Z' {
		least += 'a' - 'A'
	}
	return least, i + size
}

func foldedEqual(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		var ra, rb rune
		ra, i = nextFolded(a, i)
		rb, j = nextFolded(b, j)
		if ra != rb {
			return false
		}
	}
	return i == len(a) && j == len(b)
}

func appendFolded(dst []rune, s string) []rune {
	for i := 0; i < len(s); {
		var r rune
		r, i = nextFolded(s, i)
		dst = append(dst, r)
	}
	return dst
}

// matchFolded matches folded runes against a folded pattern holding at least one '*': the part before
// the first '*' is anchored at the start, the part after the last at the end, and the parts between
// are found leftmost-first, which is enough for '*'-only patterns.
func matchFolded(p, s []rune) bool {
	first, last := runeIndex(p, '*'), runeLastIndex(p, '*')
	pre, suf := p[:first], p[last+1:]
	if len(s) < len(pre)+len(suf) || !runesEqual(s[:len(pre)], pre) || !runesEqual(s[len(s)-len(suf):], suf) {
		return false
	}
	s = s[len(pre) : len(s)-len(suf)]
	if first == last {
		return true
	}
	mid := p[first+1 : last]
	for len(mid) > 0 {
		seg := mid
		if j := runeIndex(mid, '*'); j >= 0 {
			seg, mid = mid[:j], mid[j+1:]
		} else {
			mid = nil
		}
		if len(seg) == 0 {
			continue
		}
		k := kmpIndex(s, seg)
		if k < 0 {
			return false
		}
		s = s[k+len(seg):]
	}
	return true
}

func runeIndex(s []rune, r rune) int {
	for i, x := range s {
		if x == r {
			return i
		}
	}
	return -1
}

func runeLastIndex(s []rune, r rune) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == r {
			return i
		}
	}
	return -1
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// kmpIndex returns the index of the first occurrence of pat (non-empty) in s, or -1, in linear time
// (Knuth-Morris-Pratt).
func kmpIndex(s, pat []rune) int {
	var buf [64]int32
	fail := buf[:0]
	if len(pat) > len(buf) {
		fail = make([]int32, 0, len(pat))
	}
	fail = append(fail, 0)
	for i, k := 1, int32(0); i < len(pat); i++ {
		for k > 0 && pat[i] != pat[k] {
			k = fail[k-1]
		}
		if pat[i] == pat[k] {
			k++
		}
		fail = append(fail, k)
	}
	k := int32(0)
	for i, r := range s {
		for k > 0 && r != pat[k] {
			k = fail[k-1]
		}
		if r == pat[k] {
			k++
		}
		if int(k) == len(pat) {
			return i - len(pat) + 1
		}
	}
	return -1
}
