package archive

import (
	"bytes"
	"errors"
	"fmt"
)

// This file finds where JSON values begin and end without decoding them, so that each record's
// byte range in its file is known (drill-down re-reads exactly those bytes) and only records are
// handed to the decoder.

var errTruncated = errors.New("unexpected end of JSON (truncated file?)")

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index just past the string literal that opens at b[i] == '"'.
func stringEnd(b []byte, i int) (int, error) {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, errTruncated
		}
		i += j
		// An odd run of backslashes before the quote escapes it.
		k := i - 1
		for k >= 0 && b[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			return i + 1, nil
		}
		i++
	}
}

// valueEnd returns the index just past the JSON value that starts at b[i] (i after white space).
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errTruncated
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, err := stringEnd(b, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errTruncated
	default:
		start := i
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if i == start {
					return 0, fmt.Errorf("unexpected %q at byte %d", b[i], i)
				}
				return i, nil
			}
			i++
		}
		return i, nil
	}
}

// eachMember calls fn for each member of the object at b[i] == '{', with the key (still quoted and
// escaped) and where the value starts; fn returns where the value ends (valueEnd, or the end of
// whatever walk fn made of it). It returns the index past the object.
func eachMember(b []byte, i int, fn func(key []byte, start int) (end int, err error)) (int, error) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) {
			return 0, errTruncated
		}
		if b[i] != '"' {
			return 0, fmt.Errorf("expected a key at byte %d", i)
		}
		kEnd, err := stringEnd(b, i)
		if err != nil {
			return 0, err
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, fmt.Errorf("expected ':' at byte %d", i)
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return 0, errTruncated
		}
		vEnd, err := fn(key, i)
		if err != nil {
			return 0, err
		}
		i = skipSpace(b, vEnd)
		if i >= len(b) {
			return 0, errTruncated
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("expected ',' or '}' at byte %d", i)
		}
	}
}

// eachElement calls fn with the byte range of each element of the array at b[i] == '['. An error
// from fn stops the walk; a malformed element stops it too (what came before is kept).
func eachElement(b []byte, i int, fn func(start, end int) error) (int, error) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		vEnd, err := valueEnd(b, i)
		if err != nil {
			return 0, err
		}
		if err := fn(i, vEnd); err != nil {
			return 0, err
		}
		i = skipSpace(b, vEnd)
		if i >= len(b) {
			return 0, errTruncated
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("expected ',' or ']' at byte %d", i)
		}
	}
}
