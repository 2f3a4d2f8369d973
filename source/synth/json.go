package synth

import (
	"time"
	"unicode/utf8"
)

// Object builds one JSON object by appending to a byte buffer: the requestParameters, responseElements or
// additionalEventData of an Event. Members are written in call order, commas are placed for you, and nested
// objects and arrays are opened with Obj and Arr and closed with End. The zero value has no members and
// renders as null; call Open to render {} instead. Containers still open when the object is rendered are
// closed then, so a builder may stop early.
//
//	e.Request.Str("bucketName", b).Str("key", k)
//	e.Response.Obj("instancesSet").Arr("items").Obj("").Str("instanceId", id).End().End().End()
//
// Inside an array, pass "" as the key.
type Object struct {
	buf  []byte
	open []byte // closers of the containers still open, outermost first
}

// Reset empties o, keeping its memory.
func (o *Object) Reset() {
	o.buf = o.buf[:0]
	o.open = o.open[:0]
}

// Len reports how many bytes o holds; zero means it renders as null.
func (o *Object) Len() int { return len(o.buf) }

// Open makes o render as an object even with no members ({} rather than null).
func (o *Object) Open() *Object {
	if len(o.buf) == 0 {
		o.buf = append(o.buf, '{')
		o.open = append(o.open[:0], '}')
	}
	return o
}

// member starts a value: the separating comma and, outside arrays, the key.
func (o *Object) member(key string) {
	if len(o.buf) == 0 {
		o.buf = append(o.buf, '{')
		o.open = append(o.open[:0], '}')
	} else if c := o.buf[len(o.buf)-1]; c != '{' && c != '[' {
		o.buf = append(o.buf, ',')
	}
	if o.open[len(o.open)-1] == '}' {
		o.buf = appendString(o.buf, key)
		o.buf = append(o.buf, ':')
	}
}

// Str adds a string member.
func (o *Object) Str(key, v string) *Object {
	o.member(key)
	o.buf = appendString(o.buf, v)
	return o
}

// Int adds an integer member.
func (o *Object) Int(key string, v int64) *Object {
	o.member(key)
	o.buf = appendInt(o.buf, v)
	return o
}

// Bool adds a boolean member.
func (o *Object) Bool(key string, v bool) *Object {
	o.member(key)
	if v {
		o.buf = append(o.buf, "true"...)
	} else {
		o.buf = append(o.buf, "false"...)
	}
	return o
}

// Null adds a null member.
func (o *Object) Null(key string) *Object {
	o.member(key)
	o.buf = append(o.buf, "null"...)
	return o
}

// Raw adds a member whose value is already JSON; it must be valid.
func (o *Object) Raw(key, json string) *Object {
	o.member(key)
	o.buf = append(o.buf, json...)
	return o
}

// Obj opens a nested object; close it with End.
func (o *Object) Obj(key string) *Object {
	o.member(key)
	o.buf = append(o.buf, '{')
	o.open = append(o.open, '}')
	return o
}

// Arr opens a nested array; close it with End.
func (o *Object) Arr(key string) *Object {
	o.member(key)
	o.buf = append(o.buf, '[')
	o.open = append(o.open, ']')
	return o
}

// End closes the innermost open object or array. It never closes the outermost object.
func (o *Object) End() *Object {
	if n := len(o.open); n > 1 {
		o.buf = append(o.buf, o.open[n-1])
		o.open = o.open[:n-1]
	}
	return o
}

// Items adds the EC2 list shape {"items":[{"<field>":v},...]} under key, one item per value.
func (o *Object) Items(key, field string, values ...string) *Object {
	o.Obj(key).Arr("items")
	for _, v := range values {
		o.Obj("").Str(field, v).End()
	}
	return o.End().End()
}

// appendTo appends o as JSON (null when empty), closing what is still open, without changing o.
func (o *Object) appendTo(b []byte) []byte {
	if len(o.buf) == 0 {
		return append(b, "null"...)
	}
	b = append(b, o.buf...)
	for i := len(o.open) - 1; i >= 0; i-- {
		b = append(b, o.open[i])
	}
	return b
}

// JSON returns o rendered, in a new slice.
func (o *Object) JSON() []byte { return o.appendTo(nil) }

const hexDigits = "0123456789abcdef"

// needsEscape marks the ASCII bytes that cannot appear raw in a JSON string.
var needsEscape = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	for c := 0x80; c < 0x100; c++ {
		t[c] = true // checked for valid UTF-8
	}
	return t
}()

// appendString appends s as a quoted JSON string: quotes, backslashes and control characters are escaped
// and invalid UTF-8 becomes U+FFFD, so the output is valid JSON whatever s holds.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if !needsEscape[c] {
			i++
			continue
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

// appendTime appends t in UTC as CloudTrail writes eventTime: 2006-01-02T15:04:05Z.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	b = append2(b, y/100)
	b = append2(b, y%100)
	b = append(b, '-')
	b = append2(b, int(mo))
	b = append(b, '-')
	b = append2(b, d)
	b = append(b, 'T')
	b = append2(b, h)
	b = append(b, ':')
	b = append2(b, mi)
	b = append(b, ':')
	b = append2(b, s)
	return append(b, 'Z')
}

// AWSDate formats t as STS and IAM responses show dates (credential expiry, createDate): "Jan 2, 2026, 3:04:05 PM".
func AWSDate(t time.Time) string { return t.UTC().Format("Jan 2, 2006, 3:04:05 PM") }
