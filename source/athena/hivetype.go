package athena

import (
	"fmt"
	"strings"
)

// Type is a column's type as the Glue catalog writes it ("string", "array<struct<arn:string>>",
// "map<string,string>"): what the SQL may select from a column and how its JSON is read back.
type Type struct {
	Kind   string  // "struct", "array", "map", or a primitive's name in lower case ("string", "int", "decimal")
	Fields []Field // a struct's fields, in order
	Elem   *Type   // an array's element, a map's value
	Key    *Type   // a map's key
}

// Field is one field of a struct type.
type Field struct {
	Name string // lower case, as Glue keeps it
	Type Type
}

// Complex reports whether values of the type are nested (struct, array, map): they are selected as
// JSON text.
func (t Type) Complex() bool {
	return t.Kind == "struct" || t.Kind == "array" || t.Kind == "map"
}

// Field returns the struct field of that name (case-insensitively).
func (t Type) Field(name string) (Type, bool) {
	for _, f := range t.Fields {
		if strings.EqualFold(f.Name, name) {
			return f.Type, true
		}
	}
	return Type{}, false
}

// Path returns the type at a dotted path of struct fields ("sessioncontext.sessionissuer.arn").
func (t Type) Path(path string) (Type, bool) {
	for name := range strings.SplitSeq(path, ".") {
		f, ok := t.Field(name)
		if !ok {
			return Type{}, false
		}
		t = f
	}
	return t, true
}

// ParseType reads a type as Glue and Athena's GetTableMetadata write it. Field names may be quoted
// with backquotes; spaces are allowed around the punctuation.
func ParseType(s string) (Type, error) {
	p := typeParser{s: s}
	t, err := p.parse(0)
	if err != nil {
		return Type{}, fmt.Errorf("column type %q: %w", abbreviate(s, 80), err)
	}
	p.space()
	if p.i != len(p.s) {
		return Type{}, fmt.Errorf("column type %q: unexpected %q at %d", abbreviate(s, 80), p.s[p.i:min(len(p.s), p.i+10)], p.i)
	}
	return t, nil
}

// maxTypeDepth bounds nesting: CloudTrail's deepest is 4; a catalog is not trusted to be sane.
const maxTypeDepth = 32

type typeParser struct {
	s string
	i int
}

func (p *typeParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *typeParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// word reads a name: letters, digits, '_' (and, for a field's name, anything between backquotes
// but a backquote).
func (p *typeParser) word(quoted bool) string {
	p.space()
	if quoted && p.i < len(p.s) && p.s[p.i] == '`' {
		end := strings.IndexByte(p.s[p.i+1:], '`')
		if end < 0 {
			p.i = len(p.s)
			return ""
		}
		w := p.s[p.i+1 : p.i+1+end]
		p.i += end + 2
		return w
	}
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if !(c == '_' || c == '$' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

func (p *typeParser) parse(depth int) (Type, error) {
	if depth > maxTypeDepth {
		return Type{}, fmt.Errorf("nested more than %d deep", maxTypeDepth)
	}
	name := strings.ToLower(p.word(false))
	if name == "" {
		return Type{}, fmt.Errorf("a type name expected at %d", p.i)
	}
	t := Type{Kind: name}
	switch name {
	case "struct", "row":
		t.Kind = "struct"
		if !p.eat('<') {
			return Type{}, fmt.Errorf("struct without <fields>")
		}
		if p.eat('>') {
			return t, nil
		}
		for {
			fname := p.word(true)
			if fname == "" || !p.eat(':') {
				return Type{}, fmt.Errorf("a field name: expected at %d", p.i)
			}
			ft, err := p.parse(depth + 1)
			if err != nil {
				return Type{}, err
			}
			t.Fields = append(t.Fields, Field{Name: strings.ToLower(fname), Type: ft})
			if p.eat('>') {
				return t, nil
			}
			if !p.eat(',') {
				return Type{}, fmt.Errorf("',' or '>' expected at %d", p.i)
			}
		}
	case "array":
		if !p.eat('<') {
			return Type{}, fmt.Errorf("array without <element>")
		}
		e, err := p.parse(depth + 1)
		if err != nil {
			return Type{}, err
		}
		if !p.eat('>') {
			return Type{}, fmt.Errorf("'>' expected at %d", p.i)
		}
		t.Elem = &e
	case "map":
		if !p.eat('<') {
			return Type{}, fmt.Errorf("map without <key,value>")
		}
		k, err := p.parse(depth + 1)
		if err != nil {
			return Type{}, err
		}
		if !p.eat(',') {
			return Type{}, fmt.Errorf("',' expected at %d", p.i)
		}
		v, err := p.parse(depth + 1)
		if err != nil {
			return Type{}, err
		}
		if !p.eat('>') {
			return Type{}, fmt.Errorf("'>' expected at %d", p.i)
		}
		t.Key, t.Elem = &k, &v
	default:
		if p.eat('(') { // decimal(10,2), varchar(65535), char(3)
			end := strings.IndexByte(p.s[p.i:], ')')
			if end < 0 {
				return Type{}, fmt.Errorf("')' expected")
			}
			p.i += end + 1
		}
	}
	return t, nil
}

// abbreviate shortens s for an error message.
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// String writes the type as Glue does: "struct<arn:string,type:string>".
func (t Type) String() string {
	switch t.Kind {
	case "struct":
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			name := f.Name
			if !plainName(name) {
				name = "`" + name + "`"
			}
			parts[i] = name + ":" + f.Type.String()
		}
		return "struct<" + strings.Join(parts, ",") + ">"
	case "array":
		if t.Elem != nil {
			return "array<" + t.Elem.String() + ">"
		}
	case "map":
		if t.Key != nil && t.Elem != nil {
			return "map<" + t.Key.String() + "," + t.Elem.String() + ">"
		}
	}
	return t.Kind
}

// plainName reports whether a field's name needs no backquotes.
func plainName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '$' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}
