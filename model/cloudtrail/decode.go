package cloudtrail

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	json "github.com/goccy/go-json"
	"github.com/tidwall/gjson"
	"github.com/trailscope/trailscope/model/inspect"
)

// MaxRecordSize is the largest raw record accepted. CloudTrail's own limit is 256 KB; a little
// headroom covers records re-encoded by exports.
const MaxRecordSize = 512 << 10

// ErrNotCloudTrail is returned by DecodeRecord for JSON that is not a CloudTrail record.
var ErrNotCloudTrail = errors.New("not a CloudTrail record (no eventTime, eventName or eventSource)")

// wireRecord holds only the fields of a record that the index needs; goccy/go-json skips the rest.
type wireRecord struct {
	EventVersion       string          `json:"eventVersion"`
	UserIdentity       wireIdentity    `json:"userIdentity"`
	EventTime          string          `json:"eventTime"`
	EventSource        string          `json:"eventSource"`
	EventName          string          `json:"eventName"`
	AWSRegion          string          `json:"awsRegion"`
	SourceIPAddress    string          `json:"sourceIPAddress"`
	UserAgent          string          `json:"userAgent"`
	ErrorCode          string          `json:"errorCode"`
	ErrorMessage       string          `json:"errorMessage"`
	RequestParameters  json.RawMessage `json:"requestParameters"`
	ResponseElements   json.RawMessage `json:"responseElements"`
	RequestID          string          `json:"requestID"`
	EventID            string          `json:"eventID"`
	SharedEventID      string          `json:"sharedEventID"`
	ReadOnly           json.RawMessage `json:"readOnly"`
	Resources          []wireResource  `json:"resources"`
	EventType          string          `json:"eventType"`
	EventCategory      string          `json:"eventCategory"`
	RecipientAccountID string          `json:"recipientAccountId"`
}

type wireIdentity struct {
	Type             string `json:"type"`
	PrincipalID      string `json:"principalId"`
	ARN              string `json:"arn"`
	AccountID        string `json:"accountId"`
	AccessKeyID      string `json:"accessKeyId"`
	UserName         string `json:"userName"`
	InvokedBy        string `json:"invokedBy"`
	IdentityProvider string `json:"identityProvider"`
	OnBehalfOf       struct {
		UserID string `json:"userId"`
	} `json:"onBehalfOf"`
	SessionContext struct {
		SessionIssuer struct {
			Type     string `json:"type"`
			ARN      string `json:"arn"`
			UserName string `json:"userName"`
		} `json:"sessionIssuer"`
		WebIDFederationData struct {
			FederatedProvider string `json:"federatedProvider"`
		} `json:"webIdFederationData"`
		Attributes struct {
			MFAAuthenticated json.RawMessage `json:"mfaAuthenticated"`
		} `json:"attributes"`
		SourceIdentity string `json:"sourceIdentity"`
	} `json:"sessionContext"`
	SessionCredentialFromConsole json.RawMessage `json:"sessionCredentialFromConsole"`
}

type wireResource struct {
	ARN       string `json:"ARN"`
	ARNPrefix string `json:"ARNPrefix"`
	Type      string `json:"type"`
	AccountID string `json:"accountId"`
}

// wires are wireRecords to decode into, reused: a million records would otherwise allocate (and
// the collector sweep) 600 MB of them. The Record made from one copies what it keeps.
var wires = sync.Pool{New: func() any { return new(wireRecord) }}

// DecodeRecord parses one CloudTrail record. A record whose eventTime, eventName, eventSource or eventID is
// not a JSON string, or whose userIdentity is not an object, is refused: CloudTrail never writes them so,
// they are damage ("userIdentity is a string, not an object"). Other fields of the wrong type (a number for
// a region, a string for a bool) are tolerated: what can be read is kept, the rest is dropped; unknown
// fields are ignored and missing optional ones are empty. The returned Record's Raw is left for the caller
// (the source knows where the bytes live).
func DecodeRecord(b []byte) (Record, error) {
	if len(b) > MaxRecordSize {
		return Record{}, fmt.Errorf("record of %d bytes is over the %d KB limit", len(b), MaxRecordSize>>10)
	}
	w := wires.Get().(*wireRecord)
	defer wires.Put(w)
	*w = wireRecord{} // the decoder leaves alone the fields a record lacks
	if err := json.Unmarshal(b, w); err != nil {
		// Slow path: decode generically and coerce every field to the type we expect.
		var generic map[string]any
		if err2 := json.Unmarshal(b, &generic); err2 != nil {
			return Record{}, fmt.Errorf("invalid JSON: %w", err)
		}
		top := byField(b, generic, reflect.TypeFor[wireRecord]())
		if err := checkStrict(top); err != nil {
			return Record{}, err
		}
		*w = wireRecord{}
		coerce(reflect.ValueOf(w).Elem(), top)
	}
	r, err := w.record()
	if err == nil {
		markReportedFailure(&r, b)
		target := ""
		if len(r.Resources) > 0 {
			target = r.Resources[0].ID
		}
		r.Inspected = inspect.Record(r.Source, r.Name, cmp.Or(r.Account, r.Identity.Account), target, b)
	}
	return r, err
}

// outlineRecord is what DecodeOutline reads of a record; goccy/go-json skips the rest, checking only
// that it is JSON.
type outlineRecord struct {
	EventTime    string          `json:"eventTime"`
	EventSource  string          `json:"eventSource"`
	EventName    string          `json:"eventName"`
	EventID      string          `json:"eventID"`
	UserIdentity json.RawMessage `json:"userIdentity"`
}

// DecodeOutline reads only what places a record among others: its time, eventID, eventName and
// eventSource, leaving the rest of the Record empty. It refuses exactly the records DecodeRecord
// refuses, with the same reasons, at about a third of the cost: for a query that writes the records
// out as they are and asks nothing else of them (`trailscope query --format json` with an empty filter).
func DecodeOutline(b []byte) (Record, error) {
	var w outlineRecord
	if len(b) > MaxRecordSize || json.Unmarshal(b, &w) != nil || !objectOrNull(w.UserIdentity) {
		r, err := DecodeRecord(b) // damage, or a type DecodeRecord tolerates: its reasons, or its record
		return Record{Time: r.Time, Name: r.Name, Source: r.Source, EventID: r.EventID}, err
	}
	if w.EventTime == "" && w.EventName == "" && w.EventSource == "" {
		return Record{}, ErrNotCloudTrail
	}
	t, err := parseEventTime(w.EventTime)
	if err != nil {
		return Record{}, err
	}
	return Record{Time: t, Name: w.EventName, Source: w.EventSource, EventID: w.EventID}, nil
}

// objectOrNull reports whether a JSON value is an object, null, or absent.
func objectOrNull(v []byte) bool {
	v = bytes.TrimLeft(v, " \t\r\n")
	return len(v) == 0 || v[0] == '{' || bytes.HasPrefix(v, []byte("null"))
}

// byField returns the members of the JSON object b (decoded as generic) by the name of the field of t
// each goes to, as the fast path's decoder assigns them: a name matches a field's case-insensitively
// (Unicode simple folding, as strings.EqualFold), and of several members that match one field the last
// in the document wins. Members that match no field are left out.
func byField(b []byte, generic map[string]any, t reflect.Type) map[string]any {
	fields := make([]string, t.NumField())
	for i := range fields {
		fields[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	out := make(map[string]any, len(generic))
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return out
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		name, _ := tok.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			break
		}
		if i := slices.IndexFunc(fields, func(f string) bool { return f == name }); i >= 0 {
			out[fields[i]] = generic[name]
		} else if i := slices.IndexFunc(fields, func(f string) bool { return strings.EqualFold(f, name) }); i >= 0 {
			out[fields[i]] = generic[name]
		}
	}
	return out
}

// strictStrings are the fields that identify an event: of another type than string, the record is damaged.
var strictStrings = []string{"eventTime", "eventName", "eventSource", "eventID"}

// checkStrict refuses a record whose identifying fields have the wrong JSON type. Missing (or null) is not
// wrong: it is left to the checks every record goes through.
func checkStrict(rec map[string]any) error {
	for _, k := range strictStrings {
		if v := rec[k]; v != nil {
			if _, ok := v.(string); !ok {
				return fmt.Errorf("%s is %s, not a string", k, jsonKind(v))
			}
		}
	}
	if v := rec["userIdentity"]; v != nil {
		if _, ok := v.(map[string]any); !ok {
			return fmt.Errorf("userIdentity is %s, not an object", jsonKind(v))
		}
	}
	return nil
}

// jsonKind names the JSON type of a generically decoded value, with its article.
func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

func (w *wireRecord) record() (Record, error) {
	if w.EventTime == "" && w.EventName == "" && w.EventSource == "" {
		return Record{}, ErrNotCloudTrail
	}
	t, err := parseEventTime(w.EventTime)
	if err != nil {
		return Record{}, err
	}
	u := &w.UserIdentity
	r := Record{
		Time:         t,
		EventVersion: w.EventVersion,
		Name:         w.EventName,
		Source:       w.EventSource,
		Region:       w.AWSRegion,
		Account:      w.RecipientAccountID,
		SourceIP:     w.SourceIPAddress,
		UserAgent:    w.UserAgent,
		ErrorCode:    w.ErrorCode,
		ErrorMessage: w.ErrorMessage,
		ReadOnly:     parseTri(w.ReadOnly),
		EventType:    w.EventType,
		Category:     w.EventCategory,
		EventID:      w.EventID,
		RequestID:    w.RequestID,
		SharedID:     w.SharedEventID,
		Identity: Identity{
			Type:           u.Type,
			PrincipalID:    u.PrincipalID,
			ARN:            u.ARN,
			Account:        u.AccountID,
			AccessKey:      u.AccessKeyID,
			UserName:       u.UserName,
			InvokedBy:      u.InvokedBy,
			SourceIdentity: u.SessionContext.SourceIdentity,
			OnBehalfOf:     u.OnBehalfOf.UserID,
			IssuerType:     u.SessionContext.SessionIssuer.Type,
			IssuerARN:      u.SessionContext.SessionIssuer.ARN,
			IssuerName:     u.SessionContext.SessionIssuer.UserName,
			Provider:       firstNonEmpty(u.SessionContext.WebIDFederationData.FederatedProvider, u.IdentityProvider),
			MFA:            parseTri(u.SessionContext.Attributes.MFAAuthenticated) == True,
			Console:        parseTri(u.SessionCredentialFromConsole) == True,
		},
	}
	if r.Category == "" && r.EventType != "" {
		r.Category = "Management"
	}
	DeriveIdentity(&r.Identity)
	listed := make([]ListedResource, len(w.Resources))
	for i, lr := range w.Resources {
		listed[i] = ListedResource(lr)
	}
	r.Resources = ExtractResources(r.Source, r.Name, listed, w.RequestParameters, w.ResponseElements)
	r.MintedKey = mintedKey(w.ResponseElements)
	return r, nil
}

// mintedKey returns the access key a response hands out: the temporary key of AssumeRole,
// GetSessionToken... (credentials.accessKeyId) or the long-term key of CreateAccessKey
// (accessKey.accessKeyId); "" for the rest.
func mintedKey(resp []byte) string {
	for _, f := range [...]struct{ mark, path, prefix string }{
		{`"credentials"`, "credentials.accessKeyId", "ASIA"},
		{`"accessKey"`, "accessKey.accessKeyId", "AKIA"},
	} {
		if len(resp) > 0 && bytes.Contains(resp, []byte(f.mark)) {
			if k := gjson.GetBytes(resp, f.path); k.Type == gjson.String && isAccessKey(k.Str, f.prefix) {
				return k.Str
			}
		}
	}
	return ""
}

// isAccessKey tells a real access key ID with the given prefix from a redacted one ("ASIA****"), which
// sanitised sample data is full of and which would link unrelated sessions into one chain.
func isAccessKey(k, prefix string) bool {
	if len(k) < 16 || len(k) > 128 || !strings.HasPrefix(k, prefix) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
}

func parseEventTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("no eventTime")
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if len(s) > 64 {
		s = s[:64] + "..."
	}
	return time.Time{}, fmt.Errorf("eventTime %q is not a time", s)
}

// parseTri reads a JSON bool or a "true"/"false" string (readOnly is a bool in records and a string
// in LookupEvents; mfaAuthenticated is a string).
func parseTri(raw []byte) Tri {
	switch string(bytes.Trim(raw, `" `)) {
	case "true", "True", "TRUE":
		return True
	case "false", "False", "FALSE":
		return False
	}
	return Unknown
}

// coerce fills the struct v from a generically decoded JSON object, keeping each value that has (or
// can be turned into) the type v's field expects and dropping the rest.
func coerce(v reflect.Value, src any) {
	switch v.Kind() {
	case reflect.Struct:
		obj, ok := src.(map[string]any)
		if !ok {
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if val, ok := obj[name]; ok && val != nil {
				coerce(v.Field(i), val)
			}
		}
	case reflect.String:
		switch s := src.(type) {
		case string:
			v.SetString(s)
		case float64:
			v.SetString(strconv.FormatFloat(s, 'f', -1, 64))
		case bool:
			v.SetString(strconv.FormatBool(s))
		}
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[json.RawMessage]() {
			if b, err := json.Marshal(src); err == nil {
				v.SetBytes(b)
			}
			return
		}
		arr, ok := src.([]any)
		if !ok {
			return
		}
		s := reflect.MakeSlice(v.Type(), len(arr), len(arr))
		for i, item := range arr {
			coerce(s.Index(i), item)
		}
		v.Set(s)
	}
}
