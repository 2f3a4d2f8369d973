package fakeathena

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trailscope/trailscope/source/athena"
)

// Layout is how a table is partitioned, as the layouts of CloudTrail's folders and the AWS
// documentation's tables have it.
type Layout int

// The layouts.
const (
	// Projected is the documented table of one account and region: `timestamp` projected as
	// yyyy/MM/dd.
	Projected Layout = iota
	// Organization is the documented table of an organization trail: `account`, `region` and
	// `timestamp` projected.
	Organization
	// Manual is the older documented table: region, year, month, day, partitions added by hand.
	Manual
	// Unpartitioned is the table the CloudTrail console creates: no partitions at all.
	Unpartitioned
)

// Table says what to create.
type Table struct {
	Database, Name string
	Layout         Layout
	Location       string // the table's S3 location; a made-up one when empty
	// Columns replaces the documented columns (a table of another shape); nil: the documented ones.
	Columns []athena.Column
	// DeliveryDelay is how long after an event its file lands: the partition is the day it lands.
	// 5 minutes when 0.
	DeliveryDelay time.Duration
}

// table is a table the server holds.
type table struct {
	Table
	partitions []athena.Column
	params     map[string]string
	rows       int
}

func (t *table) columns() []athena.Column {
	if t.Columns != nil {
		return t.Columns
	}
	return athena.DocumentedColumns()
}

// partitionsOf returns the layout's partition keys and table properties.
func partitionsOf(l Layout) ([]athena.Column, map[string]string) {
	str := athena.Type{Kind: "string"}
	col := func(names ...string) []athena.Column {
		var out []athena.Column
		for _, n := range names {
			out = append(out, athena.Column{Name: n, Type: str})
		}
		return out
	}
	projected := map[string]string{
		"projection.enabled": "true", "projection.timestamp.type": "date", "projection.timestamp.format": "yyyy/MM/dd",
		"projection.timestamp.range": "2020/01/01,NOW", "projection.timestamp.interval": "1", "projection.timestamp.interval.unit": "DAYS",
	}
	switch l {
	case Projected:
		return col("timestamp"), projected
	case Organization:
		projected["projection.account.type"] = "enum"
		projected["projection.region.type"] = "enum"
		return col("account", "region", "timestamp"), projected
	case Manual:
		return col("region", "year", "month", "day"), map[string]string{}
	}
	return nil, map[string]string{}
}

// duckType is a Glue type as DuckDB writes it.
func duckType(t athena.Type) string {
	switch t.Kind {
	case "struct":
		parts := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			parts[i] = quoteIdent(f.Name) + " " + duckType(f.Type)
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")"
	case "array":
		return duckType(*t.Elem) + "[]"
	case "map":
		return "MAP(" + duckType(*t.Key) + ", " + duckType(*t.Elem) + ")"
	case "int", "integer":
		return "INTEGER"
	case "bigint":
		return "BIGINT"
	case "boolean":
		return "BOOLEAN"
	case "double":
		return "DOUBLE"
	}
	return "VARCHAR"
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// CreateTable creates a table and loads CloudTrail records (JSON, as delivered) into it, as the
// JSON SerDe would read them: fields matched without case, nested objects into the struct columns,
// objects and booleans in string columns as their JSON text. Records that are not JSON objects are
// an error.
func (s *Server) CreateTable(spec Table, records [][]byte) error {
	parts, params := partitionsOf(spec.Layout)
	t := &table{Table: spec, partitions: parts, params: params}
	if t.Location == "" {
		t.Location = "s3://fake-trail-bucket/AWSLogs/"
	}
	params["location"] = t.Location
	if t.DeliveryDelay == 0 {
		t.DeliveryDelay = 5 * time.Minute
	}
	all := append(append([]athena.Column(nil), t.columns()...), parts...)
	var defs, types []string
	for _, c := range all {
		defs = append(defs, quoteIdent(c.Name)+" "+duckType(c.Type))
		types = append(types, quoteIdent(c.Name)+": "+quoteString(duckType(c.Type)))
	}
	name := quoteIdent(spec.Database) + "." + quoteIdent(spec.Name)
	if _, err := s.db.Exec("CREATE SCHEMA IF NOT EXISTS " + quoteIdent(spec.Database)); err != nil {
		return err
	}
	if _, err := s.db.Exec("CREATE TABLE " + name + " (" + strings.Join(defs, ", ") + ")"); err != nil {
		return err
	}
	var nd bytes.Buffer
	for i, raw := range records {
		row, err := t.row(raw)
		if err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
		nd.Write(row)
		nd.WriteByte('\n')
	}
	if len(records) > 0 {
		path := filepath.Join(s.dir, fmt.Sprintf("%s.%s.ndjson", spec.Database, spec.Name))
		if err := os.WriteFile(path, nd.Bytes(), 0o600); err != nil {
			return err
		}
		defer os.Remove(path)
		_, err := s.db.Exec("INSERT INTO " + name + " SELECT * FROM read_json(" + quoteString(path) +
			", format='newline_delimited', columns={" + strings.Join(types, ", ") + "})")
		if err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	t.rows = len(records)
	s.mu.Lock()
	s.tables[strings.ToLower(spec.Database+"."+spec.Name)] = t
	s.mu.Unlock()
	return nil
}

// row turns a record into the table's row, as NDJSON with the table's (lower-case) names. A string
// column holding an object or array gets its JSON text as written, as the JSON SerDe keeps it.
func (t *table) row(raw []byte) ([]byte, error) {
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, c := range t.columns() {
		v, ok := field(rec, c.Name)
		if !ok || len(v) == 0 || string(v) == "null" {
			continue
		}
		if c.Type.Kind == "string" && v[0] != '"' {
			var buf bytes.Buffer
			json.Compact(&buf, v)
			out[c.Name] = buf.String()
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			return nil, err
		}
		out[c.Name] = conform(x, c.Type)
	}
	var when time.Time
	if v, ok := field(rec, "eventtime"); ok {
		var s string
		json.Unmarshal(v, &s)
		when, _ = time.Parse(time.RFC3339, s)
	}
	landed := when.UTC().Add(t.DeliveryDelay)
	str := func(name string) string {
		var s string
		if v, ok := field(rec, name); ok {
			json.Unmarshal(v, &s)
		}
		return s
	}
	for _, p := range t.partitions {
		switch p.Name {
		case "timestamp":
			out[p.Name] = landed.Format("2006/01/02")
		case "account":
			out[p.Name] = str("recipientaccountid")
		case "region":
			out[p.Name] = str("awsregion")
		case "year":
			out[p.Name] = landed.Format("2006")
		case "month":
			out[p.Name] = landed.Format("01")
		case "day":
			out[p.Name] = landed.Format("02")
		}
	}
	return json.Marshal(out)
}

// field finds a member by name without case, as the JSON SerDe does.
func field[V any](obj map[string]V, name string) (V, bool) {
	if v, ok := obj[name]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// conform makes a value fit its column: structs' fields by lower-case name, strings from anything.
func conform(v any, t athena.Type) any {
	switch t.Kind {
	case "struct":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		out := map[string]any{}
		for _, f := range t.Fields {
			if x, ok := field(obj, f.Name); ok && x != nil {
				out[f.Name] = conform(x, f.Type)
			}
		}
		return out
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return nil
		}
		out := make([]any, len(arr))
		for i, x := range arr {
			out[i] = conform(x, *t.Elem)
		}
		return out
	case "map":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		out := map[string]any{}
		for k, x := range obj {
			out[k] = conform(x, *t.Elem)
		}
		return out
	case "string", "varchar":
		switch x := v.(type) {
		case string:
			return x
		case json.Number:
			return x.String()
		default:
			b, _ := json.Marshal(x)
			return string(b)
		}
	}
	return v
}
