package athena

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	json "github.com/goccy/go-json"
	"github.com/tidwall/gjson"
)

// This file rebuilds CloudTrail records from result rows: each column under CloudTrail's own name
// (eventName, not eventname), nested values (selected as JSON text) walked along the column's type
// so that their fields get CloudTrail's names and order too, the JSON strings of requestParameters
// and responseElements put back as JSON, readOnly as a boolean. The record starts with a member
// that says it was rebuilt, which the detail view shows.

// RebuiltKey is the member a rebuilt record starts with: where it came from, and that it is not
// the original bytes.
const RebuiltKey = "trailscopeRebuilt"

// topNames are CloudTrail's names of the documented columns.
var topNames = map[string]string{
	"eventversion": "eventVersion", "useridentity": "userIdentity", "eventtime": "eventTime",
	"eventsource": "eventSource", "eventname": "eventName", "awsregion": "awsRegion",
	"sourceipaddress": "sourceIPAddress", "useragent": "userAgent", "errorcode": "errorCode",
	"errormessage": "errorMessage", "requestparameters": "requestParameters", "responseelements": "responseElements",
	"additionaleventdata": "additionalEventData", "requestid": "requestID", "eventid": "eventID",
	"readonly": "readOnly", "resources": "resources", "eventtype": "eventType", "apiversion": "apiVersion",
	"managementevent": "managementEvent", "recipientaccountid": "recipientAccountId",
	"serviceeventdetails": "serviceEventDetails", "sharedeventid": "sharedEventID", "vpcendpointid": "vpcEndpointId",
	"vpcendpointaccountid": "vpcEndpointAccountId", "eventcategory": "eventCategory", "addendum": "addendum",
	"sessioncredentialfromconsole": "sessionCredentialFromConsole", "edgedevicedetails": "edgeDeviceDetails",
	"tlsdetails": "tlsDetails", "insightdetails": "insightDetails",
}

// nestedNames are CloudTrail's names of the fields of the nested columns (userIdentity, addendum,
// tlsDetails); a resources[] entry's arn is "ARN", handled apart.
var nestedNames = map[string]string{
	"principalid": "principalId", "accountid": "accountId", "invokedby": "invokedBy", "accesskeyid": "accessKeyId",
	"username": "userName", "onbehalfof": "onBehalfOf", "userid": "userId", "identitystorearn": "identityStoreArn",
	"sessioncontext": "sessionContext", "mfaauthenticated": "mfaAuthenticated", "creationdate": "creationDate",
	"sessionissuer": "sessionIssuer", "ec2roledelivery": "ec2RoleDelivery", "webidfederationdata": "webIdFederationData",
	"federatedprovider": "federatedProvider", "sourceidentity": "sourceIdentity", "identityprovider": "identityProvider",
	"credentialid": "credentialId", "assumedroot": "assumedRoot", "inscopeof": "inScopeOf",
	"issuertype": "issuerType", "credentialsissuedto": "credentialsIssuedTo",
	"tlsversion": "tlsVersion", "ciphersuite": "cipherSuite", "clientprovidedhostheader": "clientProvidedHostHeader",
	"updatedfields": "updatedFields", "originalrequestid": "originalRequestID", "originaleventid": "originalEventID",
}

// jsonColumns hold JSON as a string: they go back into the record as JSON.
var jsonColumns = map[string]bool{
	"requestparameters": true, "responseelements": true, "additionaleventdata": true,
	"serviceeventdetails": true, "edgedevicedetails": true, "insightdetails": true,
}

// boolColumns are booleans in a record and strings in the documented table.
var boolColumns = map[string]bool{"readonly": true, "managementevent": true}

// rebuilder turns the rows of one query into records.
type rebuilder struct {
	cols   []Column
	keys   [][]byte // each column's member name, quoted, with its colon
	marker []byte   // the RebuiltKey member and its comma
}

func newRebuilder(cols []Column, origin string) *rebuilder {
	r := &rebuilder{cols: cols}
	for _, c := range cols {
		name := topNames[c.Name]
		if name == "" {
			name = c.Name
		}
		r.keys = append(r.keys, append(appendString(nil, name), ':'))
	}
	r.marker = append(appendString(nil, RebuiltKey), ':')
	r.marker = appendString(r.marker, origin)
	return r
}

// rebuild writes the record of one row; vals are the row's values in column order, nil for NULL.
func (r *rebuilder) rebuild(dst []byte, vals []*string) ([]byte, error) {
	if len(vals) != len(r.cols) {
		return dst, fmt.Errorf("a row of %d values for %d columns", len(vals), len(r.cols))
	}
	dst = append(dst, '{')
	dst = append(dst, r.marker...)
	for i, c := range r.cols {
		v := vals[i]
		if v == nil {
			continue
		}
		s := *v
		mark := len(dst)
		dst = append(dst, ',')
		dst = append(dst, r.keys[i]...)
		switch {
		case c.Type.Complex():
			v := gjson.Parse(s)
			if !gjson.Valid(s) {
				return dst, fmt.Errorf("column %s is not the JSON it was selected as: %.40q", c.Name, s)
			}
			if v.Type == gjson.Null {
				dst = dst[:mark]
				continue
			}
			dst = writeTyped(dst, v, c.Type, c.Name == "resources")
		case jsonColumns[c.Name] && isJSONContainer(s):
			dst = append(dst, s...)
		case boolColumns[c.Name] && (s == "true" || s == "false"):
			dst = append(dst, s...)
		case c.Type.Kind != "string" && c.Type.Kind != "varchar" && c.Type.Kind != "char" && isJSONScalar(s):
			dst = append(dst, s...)
		default:
			dst = appendString(dst, s)
		}
	}
	return append(dst, '}'), nil
}

// isJSONContainer reports whether s is a JSON object or array.
func isJSONContainer(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[':
			return json.Valid([]byte(s))
		}
		return false
	}
	return false
}

func isJSONScalar(s string) bool {
	if s == "true" || s == "false" {
		return true
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && json.Valid([]byte(s))
}

// writeTyped writes a nested value along its type: struct fields under CloudTrail's names, in the
// order they come, NULLs left out. A row may arrive as a JSON array of its fields (Presto and
// older Trino cast rows so): the type names them. Scalars are copied as they are written.
func writeTyped(dst []byte, v gjson.Result, t Type, inResources bool) []byte {
	switch {
	case t.Kind == "struct" && v.IsObject():
		dst = append(dst, '{')
		first := true
		v.ForEach(func(k, x gjson.Result) bool {
			if x.Type == gjson.Null {
				return true
			}
			ft, _ := t.Field(k.Str)
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendString(dst, fieldName(strings.ToLower(k.Str), inResources))
			dst = append(dst, ':')
			dst = writeTyped(dst, x, ft, false)
			return true
		})
		return append(dst, '}')
	case t.Kind == "struct" && v.IsArray():
		dst = append(dst, '{')
		first := true
		i := 0
		v.ForEach(func(_, x gjson.Result) bool {
			if i >= len(t.Fields) {
				return false
			}
			f := t.Fields[i]
			i++
			if x.Type == gjson.Null {
				return true
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendString(dst, fieldName(f.Name, inResources))
			dst = append(dst, ':')
			dst = writeTyped(dst, x, f.Type, false)
			return true
		})
		return append(dst, '}')
	case t.Kind == "array" && v.IsArray() && t.Elem != nil:
		dst = append(dst, '[')
		i := 0
		v.ForEach(func(_, x gjson.Result) bool {
			if i > 0 {
				dst = append(dst, ',')
			}
			i++
			dst = writeTyped(dst, x, *t.Elem, inResources)
			return true
		})
		return append(dst, ']')
	}
	return append(dst, v.Raw...) // maps keep their keys; scalars are what they are
}

// fieldName is CloudTrail's name of a nested field.
func fieldName(name string, inResources bool) string {
	if inResources {
		switch name {
		case "arn":
			return "ARN"
		case "arnprefix":
			return "ARNPrefix"
		}
	}
	if n, ok := nestedNames[name]; ok {
		return n
	}
	return name
}

// appendString writes s as a JSON string; bytes that are not UTF-8 become U+FFFD.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			dst = append(dst, fmt.Sprintf(`\u%04x`, r)...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
