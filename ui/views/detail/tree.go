package detail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trailscope/trailscope/model/filter"
)

// openByDefault are the parts of a record the detail shows unfolded.
var openByDefault = map[string]bool{"requestParameters": true, "responseElements": true}

// parseJSONTree reads a record into a tree, keeping the order of keys.
func parseJSONTree(raw []byte) (*jnode, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	root, err := parseNode(dec, "", "", 0)
	if err != nil {
		return nil, err
	}
	root.open = true
	for _, c := range root.children {
		if openByDefault[c.key] {
			openAll(c, 6)
		}
	}
	return root, nil
}

func openAll(n *jnode, depth int) {
	if depth == 0 {
		return
	}
	n.open = true
	for _, c := range n.children {
		openAll(c, depth-1)
	}
}

const maxJSONDepth = 100

func parseNode(dec *json.Decoder, k, path string, depth int) (*jnode, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	n := &jnode{key: k, path: path}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			n.kind = 'o'
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				ks, _ := kt.(string)
				p := ks
				if path != "" {
					p = path + "." + ks
				}
				c, err := parseNode(dec, ks, p, depth+1)
				if err != nil {
					return nil, err
				}
				n.children = append(n.children, c)
			}
		} else {
			n.kind = 'a'
			for i := 0; dec.More(); i++ {
				c, err := parseNode(dec, fmt.Sprintf("[%d]", i), path+"[]", depth+1)
				if err != nil {
					return nil, err
				}
				n.children = append(n.children, c)
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
	case string:
		n.kind, n.value = 's', v
	case json.Number:
		n.kind, n.value = 'n', v.String()
	case bool:
		n.kind, n.value = 'b', fmt.Sprint(v)
	case nil:
		n.kind, n.value = 'z', "null"
	}
	return n, nil
}

// pivotKeys maps the last key of a JSON path to the qualifier its value pivots on.
var pivotKeys = map[string]filter.Field{
	"sourceIPAddress":    filter.FieldIP,
	"accessKeyId":        filter.FieldKey,
	"eventName":          filter.FieldEvent,
	"eventSource":        filter.FieldSource,
	"awsRegion":          filter.FieldRegion,
	"recipientAccountId": filter.FieldAccount,
	"accountId":          filter.FieldAccount,
	"errorCode":          filter.FieldError,
	"userAgent":          filter.FieldUA,
	"eventID":            filter.FieldID,
	"requestID":          filter.FieldRequest,
	"sharedEventID":      filter.FieldRequest,
}

// pivotFor chooses the filter a JSON value pivots to: a qualifier by its key where one fits, the
// identity's fields to principal:, names and IDs in the request to resource:, else a bare word.
func pivotFor(n *jnode) string {
	if n.kind == 'o' || n.kind == 'a' || n.value == "" || n.kind == 'z' {
		return ""
	}
	f, ok := pivotKeys[n.key]
	switch {
	case ok:
	case strings.HasPrefix(n.path, "userIdentity"):
		switch n.key {
		case "type":
			f = filter.FieldType
		case "arn", "userName", "principalId":
			f = filter.FieldPrincipal
		case "invokedBy":
			f = filter.FieldIP
		default:
			f = filter.FieldText
		}
	case n.kind == 's' && (strings.HasPrefix(n.path, "requestParameters") || strings.HasPrefix(n.path, "responseElements") || strings.HasPrefix(n.path, "resources")) && looksLikeName(n.key):
		f = filter.FieldResource
	default:
		f = filter.FieldText
	}
	if f == filter.FieldText && (n.kind != 's' || len(n.value) > 200) {
		return ""
	}
	return filter.Term{Field: f, Values: []string{n.value}}.String()
}

func looksLikeName(k string) bool {
	l := strings.ToLower(k)
	for _, suf := range []string{"id", "name", "arn", "key", "identifier", "ids"} {
		if strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}
