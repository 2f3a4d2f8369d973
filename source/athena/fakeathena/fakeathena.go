// Package fakeathena is a local AWS endpoint for tests: Athena's JSON API as the real service speaks
// it (JSON 1.1 over HTTP POST, X-Amz-Target AmazonAthena.*, epoch-second timestamps, modelled
// errors): GetTableMetadata, GetWorkGroup, StartQueryExecution, GetQueryExecution, GetQueryResults
// (the header row first, pages of at most 1,000 rows, an opaque NextToken) and StopQueryExecution,
// with CloudTrail's DescribeTrails beside it. It runs the SQL in an embedded DuckDB standing in for
// Trino, over CloudTrail tables of the documented shape loaded from real records; the few Trino
// functions trailscope writes that DuckDB lacks are macros. Queries only SELECT.
//
// Only tests import this package (it needs cgo, for DuckDB).
package fakeathena

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the database/sql driver "duckdb"

	"github.com/trailscope/trailscope/source/athena"
)

// Config shapes the server's behaviour. The zero Config has a workgroup "primary" with a result
// location, and lets everything through.
type Config struct {
	Account string // default 123456789012
	// WorkGroups maps a workgroup to its result location ("" for none); nil: primary with one.
	WorkGroups map[string]string
	// Denied are permissions refused, as IAM names them: "athena:StartQueryExecution",
	// "glue:GetTable" (GetTableMetadata fails), "s3:GetObject" (queries fail reading the trail's
	// bucket), "s3:PutObject" (queries fail writing their results), "athena:GetWorkGroup", ...
	Denied []string
	// FailQueries makes every query fail with this reason.
	FailQueries string
	// Hold keeps each query RUNNING until Release or StopQueryExecution.
	Hold bool
	// RowsAsArrays casts rows to JSON arrays of their fields, as Presto and older Trino do, rather
	// than objects.
	RowsAsArrays bool
	// Trails are what DescribeTrails returns.
	Trails []Trail
	// ReuseResults answers a query whose SQL was run before with the rows of that run, as Athena's
	// result reuse does: benchmarks measure the reading of results, not DuckDB.
	ReuseResults bool
}

// Trail is a trail as DescribeTrails shows it.
type Trail struct {
	Name, Bucket, Prefix, HomeRegion string
	Organization, MultiRegion        bool
}

// Query is a query the server received.
type Query struct {
	ID        string
	SQL       string
	Catalog   string
	Database  string
	WorkGroup string
	Output    string
	State     string
	Reason    string
	Rows      int // data rows of its result
}

// Server is a running endpoint. Close it when done.
type Server struct {
	*httptest.Server
	cfg     Config
	db      *sql.DB
	dir     string
	mu      sync.Mutex
	tables  map[string]*table
	queries map[string]*query
	order   []string
	ops     []string
	started chan string
	reused  map[string]*result
}

// result is a query's rows.
type result struct {
	cols []string
	rows [][]*string
}

type query struct {
	Query
	cols    []string
	rows    [][]*string
	scanned int64
	release chan struct{}
	stopped chan struct{}
	done    chan struct{}
}

// New starts a server with an empty in-memory database.
func New(cfg Config) (*Server, error) {
	if cfg.Account == "" {
		cfg.Account = "123456789012"
	}
	if cfg.WorkGroups == nil {
		cfg.WorkGroups = map[string]string{"primary": "s3://fake-athena-results/"}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one in-memory database: every connection must be the same one
	// Trino's json_format writes a JSON value as text; DuckDB's JSON is text already.
	if _, err := db.Exec("CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)"); err != nil {
		db.Close()
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fakeathena-")
	if err != nil {
		db.Close()
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, dir: dir, tables: map[string]*table{}, queries: map[string]*query{},
		started: make(chan string, 64), reused: map[string]*result{}}
	s.Server = httptest.NewServer(s)
	return s, nil
}

// Close stops the server and drops the database.
func (s *Server) Close() {
	s.mu.Lock()
	for _, q := range s.queries {
		if q.release != nil {
			select {
			case <-q.release:
			default:
				close(q.release)
			}
		}
	}
	s.mu.Unlock()
	s.Server.Close()
	s.db.Close()
	os.RemoveAll(s.dir)
}

// Queries returns the queries received, in order.
func (s *Server) Queries() []Query {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Query, len(s.order))
	for i, id := range s.order {
		out[i] = s.queries[id].Query
	}
	return out
}

// Ops returns the operations called, as service:Operation, in order.
func (s *Server) Ops() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ops)
}

// Running receives the ID of each query as it starts running (with Hold, as it starts waiting).
func (s *Server) Running() <-chan string { return s.started }

// Release lets a held query run.
func (s *Server) Release(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queries[id]; q != nil && q.release != nil {
		select {
		case <-q.release:
		default:
			close(q.release)
		}
	}
}

// Wait returns when a query has ended, and its final state.
func (s *Server) Wait(id string) Query {
	s.mu.Lock()
	q := s.queries[id]
	s.mu.Unlock()
	if q == nil {
		return Query{}
	}
	<-q.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return q.Query
}

// apiError is an error as the server answers it.
type apiError struct {
	code    string
	message string
}

var scopeRE = regexp.MustCompile(`Credential=[^/]+/[0-9]{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request`)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	target := r.Header.Get("X-Amz-Target")
	service, op, _ := strings.Cut(target, ".")
	if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m == nil {
		writeError(w, apiError{"MissingAuthenticationTokenException", "Missing Authentication Token"})
		return
	}
	name := "athena:" + op
	if service == "CloudTrail_20131101" {
		name = "cloudtrail:" + op
	}
	s.mu.Lock()
	s.ops = append(s.ops, name)
	s.mu.Unlock()
	if r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		writeError(w, apiError{"SerializationException", "Content-Type must be application/x-amz-json-1.1"})
		return
	}
	var out any
	var e *apiError
	switch name {
	case "athena:GetTableMetadata":
		out, e = s.getTableMetadata(body)
	case "athena:GetWorkGroup":
		out, e = s.getWorkGroup(body)
	case "athena:StartQueryExecution":
		out, e = s.startQuery(body)
	case "athena:GetQueryExecution":
		out, e = s.getQueryExecution(body)
	case "athena:GetQueryResults":
		out, e = s.getQueryResults(body)
	case "athena:StopQueryExecution":
		out, e = s.stopQuery(body)
	case "cloudtrail:DescribeTrails":
		out, e = s.describeTrails()
	default:
		e = &apiError{"UnknownOperationException", "Unknown operation " + target}
	}
	if e != nil {
		writeError(w, *e)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

func writeError(w http.ResponseWriter, e apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"__type": e.code, "Message": e.message})
}

func (s *Server) denied(perm string) *apiError {
	if !slices.Contains(s.cfg.Denied, perm) {
		return nil
	}
	return &apiError{"AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/tester is not authorized to perform: %s "+
		"because no identity-based policy allows the %s action", s.cfg.Account, perm, perm)}
}

func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return &apiError{"SerializationException", err.Error()}
	}
	return nil
}

func (s *Server) getTableMetadata(body []byte) (any, *apiError) {
	var in struct{ CatalogName, DatabaseName, TableName string }
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := s.denied("athena:GetTableMetadata"); e != nil {
		return nil, e
	}
	if e := s.denied("glue:GetTable"); e != nil {
		return nil, e
	}
	if in.CatalogName != athena.DefaultCatalog {
		return nil, &apiError{"MetadataException", "Catalog " + in.CatalogName + " not found."}
	}
	s.mu.Lock()
	t := s.tables[strings.ToLower(in.DatabaseName+"."+in.TableName)]
	s.mu.Unlock()
	if t == nil {
		return nil, &apiError{"MetadataException", "Table " + in.TableName + " not found."}
	}
	type column struct{ Name, Type string }
	cols := func(cs []athena.Column) []column {
		out := make([]column, len(cs))
		for i, c := range cs {
			out[i] = column{c.Name, c.Type.String()}
		}
		return out
	}
	return map[string]any{"TableMetadata": map[string]any{
		"Name": t.Name, "TableType": "EXTERNAL_TABLE", "CreateTime": float64(time.Now().Unix()),
		"Columns": cols(t.columns()), "PartitionKeys": cols(t.partitions), "Parameters": t.params,
	}}, nil
}

func (s *Server) getWorkGroup(body []byte) (any, *apiError) {
	var in struct{ WorkGroup string }
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := s.denied("athena:GetWorkGroup"); e != nil {
		return nil, e
	}
	out, ok := s.cfg.WorkGroups[in.WorkGroup]
	if !ok {
		return nil, &apiError{"InvalidRequestException", "WorkGroup " + in.WorkGroup + " is not found."}
	}
	rc := map[string]any{}
	if out != "" {
		rc["OutputLocation"] = out
	}
	return map[string]any{"WorkGroup": map[string]any{"Name": in.WorkGroup, "State": "ENABLED",
		"Configuration": map[string]any{"ResultConfiguration": rc, "EnforceWorkGroupConfiguration": false}}}, nil
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (s *Server) startQuery(body []byte) (any, *apiError) {
	var in struct {
		QueryString           string
		ClientRequestToken    string
		WorkGroup             string
		QueryExecutionContext struct{ Catalog, Database string }
		ResultConfiguration   struct{ OutputLocation string }
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := s.denied("athena:StartQueryExecution"); e != nil {
		return nil, e
	}
	wg := cmp.Or(in.WorkGroup, "primary")
	wgOut, ok := s.cfg.WorkGroups[wg]
	if !ok {
		return nil, &apiError{"InvalidRequestException", "WorkGroup " + wg + " is not found."}
	}
	output := cmp.Or(in.ResultConfiguration.OutputLocation, wgOut)
	if output == "" {
		return nil, &apiError{"InvalidRequestException", "No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input."}
	}
	if !strings.HasPrefix(strings.TrimSpace(in.QueryString), "SELECT") {
		return nil, &apiError{"InvalidRequestException", "this stand-in for Athena runs SELECT statements only"}
	}
	q := &query{Query: Query{ID: newID(), SQL: in.QueryString, Catalog: in.QueryExecutionContext.Catalog,
		Database: in.QueryExecutionContext.Database, WorkGroup: wg, Output: output, State: "QUEUED"},
		stopped: make(chan struct{}), done: make(chan struct{})}
	if s.cfg.Hold {
		q.release = make(chan struct{})
	}
	s.mu.Lock()
	s.queries[q.ID] = q
	s.order = append(s.order, q.ID)
	s.mu.Unlock()
	go s.run(q)
	return map[string]string{"QueryExecutionId": q.ID}, nil
}

// run executes a query in DuckDB, as Athena would have in Trino.
func (s *Server) run(q *query) {
	defer close(q.done)
	s.set(q, func() { q.State = "RUNNING" })
	select {
	case s.started <- q.ID:
	default:
	}
	if q.release != nil {
		select {
		case <-q.release:
		case <-q.stopped:
			return
		}
	}
	fail := func(reason string) { s.set(q, func() { q.State, q.Reason = "FAILED", reason }) }
	switch {
	case s.cfg.FailQueries != "":
		fail(s.cfg.FailQueries)
		return
	case q.Catalog != "" && q.Catalog != athena.DefaultCatalog:
		fail("CATALOG_NOT_FOUND: Catalog '" + q.Catalog + "' does not exist")
		return
	case slices.Contains(s.cfg.Denied, "s3:GetObject"):
		fail("Permission denied on S3 path: s3://fake-trail-bucket/AWSLogs/" + s.cfg.Account + "/CloudTrail/us-east-1/2024/03/04/x.json.gz")
		return
	case slices.Contains(s.cfg.Denied, "s3:PutObject"):
		fail("Access denied when writing output to url: " + q.Output + q.ID + ".csv . Please ensure you are allowed to access the S3 bucket.")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-q.stopped:
			cancel()
		case <-ctx.Done():
		}
	}()
	s.mu.Lock()
	prev := s.reused[q.SQL]
	s.mu.Unlock()
	var cols []string
	var rows [][]*string
	var err error
	if prev != nil {
		cols, rows = prev.cols, prev.rows
	} else {
		cols, rows, err = s.execute(ctx, q.SQL)
	}
	if err == nil && s.cfg.ReuseResults {
		s.mu.Lock()
		s.reused[q.SQL] = &result{cols, rows}
		s.mu.Unlock()
	}
	if err != nil {
		select {
		case <-q.stopped:
		default:
			fail(err.Error())
		}
		return
	}
	scanned := s.scanned(q.SQL)
	s.set(q, func() {
		if q.State == "RUNNING" {
			q.State, q.cols, q.rows, q.Rows, q.scanned = "SUCCEEDED", cols, rows, len(rows), scanned
		}
	})
}

func (s *Server) set(q *query, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// scanned is what the fake says a query read: the rows of the tables it names, at a kilobyte each
// (it does not prune partitions: the SQL's partition conditions are checked by what they return).
func (s *Server) scanned(sql string) int64 {
	var n int64
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, t := range s.tables {
		db, name, _ := strings.Cut(key, ".")
		if strings.Contains(strings.ToLower(sql), strings.ToLower(quoteIdent(db)+"."+quoteIdent(name))) {
			n += int64(t.rows) << 10
		}
	}
	return n
}

// execute runs a SELECT and returns its rows as Athena does: every value as text, NULL as nil.
func (s *Server) execute(ctx context.Context, query string) ([]string, [][]*string, error) {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	types := make([]*athena.Type, len(cols))
	if s.cfg.RowsAsArrays {
		for i, c := range cols {
			if t, ok := s.columnType(c); ok && t.Complex() {
				types[i] = &t
			}
		}
	}
	var out [][]*string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]*string, len(cols))
		for i, v := range vals {
			if v.Valid {
				str := v.String
				if types[i] != nil {
					str = rowsToArrays(str, *types[i])
				}
				row[i] = &str
			}
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

func (s *Server) lookup(body []byte) (*query, *apiError) {
	var in struct{ QueryExecutionId string }
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	q := s.queries[in.QueryExecutionId]
	s.mu.Unlock()
	if q == nil {
		return nil, &apiError{"InvalidRequestException", "QueryExecution " + in.QueryExecutionId + " was not found"}
	}
	return q, nil
}

func (s *Server) getQueryExecution(body []byte) (any, *apiError) {
	if e := s.denied("athena:GetQueryExecution"); e != nil {
		return nil, e
	}
	q, e := s.lookup(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status := map[string]any{"State": q.State, "SubmissionDateTime": float64(time.Now().Unix())}
	if q.Reason != "" {
		status["StateChangeReason"] = q.Reason
		status["AthenaError"] = map[string]any{"ErrorCategory": 2, "ErrorType": 1000, "Retryable": false, "ErrorMessage": q.Reason}
	}
	return map[string]any{"QueryExecution": map[string]any{
		"QueryExecutionId": q.ID, "Query": q.SQL, "StatementType": "DML", "WorkGroup": q.WorkGroup,
		"QueryExecutionContext": map[string]string{"Catalog": q.Catalog, "Database": q.Database},
		"ResultConfiguration":   map[string]string{"OutputLocation": q.Output + q.ID + ".csv"},
		"Status":                status,
		"Statistics":            map[string]any{"DataScannedInBytes": q.scanned, "EngineExecutionTimeInMillis": 12},
	}}, nil
}

func (s *Server) getQueryResults(body []byte) (any, *apiError) {
	var in struct {
		QueryExecutionId string
		NextToken        string
		MaxResults       int
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if e := s.denied("athena:GetQueryResults"); e != nil {
		return nil, e
	}
	q, e := s.lookup(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.State != "SUCCEEDED" {
		return nil, &apiError{"InvalidRequestException", "Query has not yet finished. Current state: " + q.State}
	}
	size := in.MaxResults
	if size <= 0 || size > 1000 {
		if size > 1000 {
			return nil, &apiError{"InvalidRequestException", "MaxResults is more than maximum allowed length 1000"}
		}
		size = 1000
	}
	// Row 0 is the header; data row i is row i+1.
	at := 0
	if in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		id, n, ok := strings.Cut(string(raw), ":")
		v, err2 := strconv.Atoi(n)
		if err != nil || err2 != nil || !ok || id != q.ID || v <= 0 || v > len(q.rows)+1 {
			return nil, &apiError{"InvalidRequestException", "Invalid NextToken"}
		}
		at = v
	}
	end := min(at+size, len(q.rows)+1)
	type datum struct {
		VarCharValue *string `json:",omitempty"`
	}
	type row struct{ Data []datum }
	var rows []row
	for i := at; i < end; i++ {
		var r row
		if i == 0 {
			for _, c := range q.cols {
				r.Data = append(r.Data, datum{&c})
			}
		} else {
			for _, v := range q.rows[i-1] {
				r.Data = append(r.Data, datum{v})
			}
		}
		rows = append(rows, r)
	}
	var info []map[string]any
	for _, c := range q.cols {
		info = append(info, map[string]any{"CatalogName": "hive", "Name": c, "Label": c, "Type": "varchar", "Nullable": "UNKNOWN"})
	}
	out := map[string]any{"UpdateCount": 0, "ResultSet": map[string]any{"Rows": rows, "ResultSetMetadata": map[string]any{"ColumnInfo": info}}}
	if end < len(q.rows)+1 {
		out["NextToken"] = base64.RawURLEncoding.EncodeToString([]byte(q.ID + ":" + strconv.Itoa(end)))
	}
	return out, nil
}

func (s *Server) stopQuery(body []byte) (any, *apiError) {
	if e := s.denied("athena:StopQueryExecution"); e != nil {
		return nil, e
	}
	q, e := s.lookup(body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.State == "QUEUED" || q.State == "RUNNING" {
		q.State, q.Reason = "CANCELLED", "Query cancelled by user"
		close(q.stopped)
	}
	return map[string]any{}, nil
}

func (s *Server) describeTrails() (any, *apiError) {
	if e := s.denied("cloudtrail:DescribeTrails"); e != nil {
		return nil, e
	}
	var list []map[string]any
	for _, t := range s.cfg.Trails {
		home := cmp.Or(t.HomeRegion, "us-east-1")
		list = append(list, map[string]any{"Name": t.Name, "S3BucketName": t.Bucket, "S3KeyPrefix": t.Prefix, "HomeRegion": home,
			"TrailARN":            "arn:aws:cloudtrail:" + home + ":" + s.cfg.Account + ":trail/" + t.Name,
			"IsOrganizationTrail": t.Organization, "IsMultiRegionTrail": t.MultiRegion})
	}
	return map[string]any{"trailList": list}, nil
}

// rowsToArrays writes the rows (structs) of a JSON value as arrays of their fields in the type's
// order, as Presto cast rows to JSON; maps stay objects.
func rowsToArrays(s string, t athena.Type) string {
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return s
	}
	b, _ := json.Marshal(arrays(v, t))
	return string(b)
}

func arrays(v any, t athena.Type) any {
	switch t.Kind {
	case "struct":
		obj, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make([]any, len(t.Fields))
		for i, f := range t.Fields {
			out[i] = arrays(obj[f.Name], f.Type)
		}
		return out
	case "array":
		if a, ok := v.([]any); ok {
			for i := range a {
				a[i] = arrays(a[i], *t.Elem)
			}
		}
	}
	return v
}

// columnType finds the type of a column of that name in the tables.
func (s *Server) columnType(name string) (athena.Type, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tables {
		for _, c := range t.columns() {
			if c.Name == name {
				return c.Type, true
			}
		}
	}
	return athena.Type{}, false
}
