package athena

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/source/scope"
)

func TestParseType(t *testing.T) {
	for _, s := range []string{
		"string",
		"array<struct<arn:string,accountid:string,type:string>>",
		"struct<type:string,sessioncontext:struct<attributes:struct<mfaauthenticated:string>,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>",
		"decimal",
	} {
		typ, err := ParseType(s)
		if err != nil || typ.String() != s {
			t.Errorf("%s: %v, %s", s, err, typ)
		}
	}
	typ, err := ParseType("STRUCT< `Type` : STRING , n: decimal(10,2), l: varchar(20) >")
	if err != nil || typ.String() != "struct<type:string,n:decimal,l:varchar>" {
		t.Errorf("%v %s", err, typ)
	}
	for _, bad := range []string{"", "struct<", "struct<a string>", "array<string", "map<string>", "string>", strings.Repeat("array<", 40) + "string" + strings.Repeat(">", 40)} {
		if _, err := ParseType(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	cols := DocumentedColumns()
	if len(cols) != 29 || cols[1].Name != "useridentity" || !cols[1].Type.Complex() {
		t.Fatalf("documented columns: %+v", cols[:2])
	}
	if _, ok := cols[1].Type.Path("sessioncontext.sessionissuer.arn"); !ok {
		t.Error("no useridentity.sessioncontext.sessionissuer.arn")
	}
}

func FuzzParseType(f *testing.F) {
	f.Add("array<struct<arn:string,accountid:string,type:string>>")
	f.Add("map<string,struct<a:int>>")
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := ParseType(s)
		if err != nil {
			return
		}
		again, err := ParseType(typ.String())
		if err != nil || again.String() != typ.String() {
			t.Errorf("%q: %s reparsed as %s (%v)", s, typ, again, err)
		}
	})
}

// testTable is a documented table with the given partition keys and properties.
func testTable(params map[string]string, parts ...string) *Table {
	t := &Table{Name: TableName{DefaultCatalog, "db", "t"}, Columns: DocumentedColumns(), Params: params}
	for _, p := range parts {
		t.Partitions = append(t.Partitions, Column{Name: p, Type: Type{Kind: "string"}})
	}
	t.roles()
	return t
}

func TestPartitions(t *testing.T) {
	from := time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC)
	to := time.Date(2024, 3, 1, 23, 30, 0, 0, time.UTC)
	sc := Scope{From: from, To: to, DeliveryMargin: time.Hour, Regions: []string{"us-east-1"}, NotAccounts: []string{"111122223333"}}
	projected := map[string]string{"projection.timestamp.type": "date", "projection.timestamp.format": "yyyy/MM/dd"}
	cases := []struct {
		name  string
		table *Table
		want  []string
	}{
		{"organization", testTable(projected, "account", "region", "timestamp"), []string{
			`"timestamp" >= '2024/02/28' AND "timestamp" <= '2024/03/02'`, `"region" IN ('us-east-1')`, `"account" NOT IN ('111122223333')`}},
		{"dashes and hours", testTable(map[string]string{"projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd-HH"}, "dt"), []string{
			`"dt" >= '2024-02-28-22' AND "dt" <= '2024-03-02-00'`, `lower(coalesce("awsregion", '')) IN ('us-east-1')`,
			`coalesce("recipientaccountid", '') NOT IN ('111122223333')`}},
		{"day first", testTable(map[string]string{"projection.d.type": "date", "projection.d.format": "dd.MM.yyyy"}, "d"), []string{
			`"d" IN ('28.02.2024', '29.02.2024', '01.03.2024', '02.03.2024')`}},
		{"year month day", testTable(map[string]string{}, "region", "year", "month", "day"), []string{
			`("year" = '2024' AND "month" = '02' AND "day" IN ('28', '29')) OR ("year" = '2024' AND "month" = '03' AND "day" IN ('01', '02'))`}},
		{"timestamp without projection", testTable(map[string]string{}, "timestamp"), []string{`"timestamp" >= '2024/02/28'`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := BuildPlan(tc.table, sc, filter.Query{})
			for _, w := range tc.want {
				if !strings.Contains(p.SQL, w) {
					t.Errorf("the SQL lacks %s:\n%s", w, p.SQL)
				}
			}
			if !strings.HasPrefix(p.SQL, "SELECT ") || strings.Contains(p.SQL, ";") {
				t.Errorf("not one SELECT:\n%s", p.SQL)
			}
		})
	}
	none := testTable(map[string]string{}, "dt")
	if p := BuildPlan(none, sc, filter.Query{}); len(p.Notes) == 0 || !strings.Contains(p.Notes[0], "no date partition") {
		t.Errorf("notes %q", p.Notes)
	}
}

// TestPlacement: where each kind of term runs, and why not in Athena.
func TestPlacement(t *testing.T) {
	tbl := testTable(map[string]string{}, "timestamp")
	for _, tc := range []struct {
		text  string
		where Placement
		why   string
	}{
		{"event:Run*", Exact, ""},
		{"-event:Run*", Exact, ""},
		{"source:ec2", Exact, ""},
		{"principal:alice", Narrowed, ""},
		{"-principal:alice", Local, "opposite of a wider condition"},
		{`principal:"role/Admin"`, Local, "joins into a principal's name"},
		{"principal:sess", Local, "words trailscope writes"},
		{"resource:i-0abc", Narrowed, ""},
		{"resource:bucket", Local, "part of a resource kind"},
		{"resource:my/key", Local, "only IDs"},
		{"ip:10.0.0.0/8", Narrowed, ""},
		{"ip:::1", Local, "IPv6"},
		{"ip:ec2.amazonaws.com", Exact, ""},
		{"since:2h", InWindow, ""},
		{"-since:2h", Local, "not a window"},
		{"ua:\u00e9t\u00e9", Local, "beyond ASCII"},
		{"ua:\x07", Local, "characters that are not sent"},
		{"readonly:false", Exact, ""},
		{"error:AccessDenied", Exact, ""},
		{"-error:AccessDenied", Exact, ""},
		{"error:any", Narrowed, ""},
		{"-error:none", Narrowed, ""},
		{"error:none", Narrowed, ""},
		{"error:Fail*", Narrowed, ""},
		{"-error:Failure", Local, "opposite of a wider condition"},
		{"id:abc", Exact, ""},
		{"req:abc", Exact, ""},
		{"alice", Narrowed, ""},
		{"role", Local, "as a bare word"},
	} {
		q, err := filter.ParseQuery(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		p := BuildPlan(tbl, Scope{From: time.Unix(0, 0), To: time.Unix(3600, 0), Limit: 10}, q)
		tp := p.Terms[0]
		if tp.Where != tc.where || !strings.Contains(tp.Why, tc.why) {
			t.Errorf("%s: %v (%s), want %v (%s)", tc.text, tp.Where, tp.Why, tc.where, tc.why)
		}
		if (tp.Where == Exact || tp.Where == Narrowed) && !strings.Contains(p.SQL, tp.SQL) {
			t.Errorf("%s: the SQL lacks %s", tc.text, tp.SQL)
		}
	}
	// A column the table lacks keeps its terms here.
	thin := &Table{Name: TableName{DefaultCatalog, "db", "t"}, Columns: []Column{{"eventtime", Type{Kind: "string"}}, {"eventname", Type{Kind: "string"}}}}
	q, _ := filter.ParseQuery("ua:curl")
	if tp := BuildPlan(thin, Scope{}, q).Terms[0]; tp.Where != Local || !strings.Contains(tp.Why, "no column useragent") {
		t.Errorf("%+v", tp)
	}
}

func TestQuoting(t *testing.T) {
	if got := quote(`it's`); got != `'it''s'` {
		t.Error(got)
	}
	if got := quoteIdent(`a"b`); got != `"a""b"` {
		t.Error(got)
	}
	if got := likePattern(`50%_off\*`); got != `50\%\_off\\%` {
		t.Error(got)
	}
	for _, s := range []string{"a\x00b", "\x1b[31m", string([]byte{0xff}), "a\u2028b", strings.Repeat("x", maxLiteral+1)} {
		if safeLiteral(s) {
			t.Errorf("%q is sent to SQL", s)
		}
	}
}

func TestChoice(t *testing.T) {
	only, not := choice(scope.Choice{Only: []string{"us-east-1", "eu-west-1"}, Not: map[string]bool{"eu-west-1": true, "ap-south-1": true}})
	if strings.Join(only, ",") != "us-east-1" || strings.Join(not, ",") != "ap-south-1,eu-west-1" {
		t.Errorf("%v %v", only, not)
	}
	if only, _ := choice(scope.Choice{Only: []string{"x"}, Not: map[string]bool{"x": true}}); only == nil || len(only) != 0 {
		t.Errorf("nothing left must stay nothing, not any: %v", only)
	}
	if only, _ := choice(scope.Choice{}); only != nil {
		t.Errorf("any: %v", only)
	}
}

func TestRebuild(t *testing.T) {
	cols := []Column{
		{"eventtime", Type{Kind: "string"}},
		{"useridentity", mustType("struct<type:string,arn:string,sessioncontext:struct<sessionissuer:struct<username:string>,webidfederationdata:struct<attributes:map<string,string>>>>")},
		{"requestparameters", Type{Kind: "string"}},
		{"readonly", Type{Kind: "string"}},
		{"resources", mustType("array<struct<arn:string,accountid:string,type:string>>")},
		{"errorcode", Type{Kind: "string"}},
		{"useragent", Type{Kind: "string"}},
	}
	rb := newRebuilder(cols, "test")
	s := func(v string) *string { return &v }
	asObjects := []*string{s("2024-03-04T10:00:00Z"),
		s(`{"type":"AssumedRole","arn":null,"sessioncontext":{"sessionissuer":{"username":"Admin"},"webidfederationdata":{"attributes":{"Key.With.Case":"v"}}}}`),
		s(`{"instancesSet":{"items":[{"instanceId":"i-1"}]}}`), s("true"),
		s(`[{"arn":"arn:aws:ec2:us-east-1:1:instance/i-1","accountid":"1","type":"AWS::EC2::Instance"}]`), nil, s("curl\x1b[0m")}
	asArrays := append([]*string(nil), asObjects...)
	asArrays[1] = s(`["AssumedRole",null,[["Admin"],[{"Key.With.Case":"v"}]]]`)
	asArrays[4] = s(`[["arn:aws:ec2:us-east-1:1:instance/i-1","1","AWS::EC2::Instance"]]`)
	want := `{"trailscopeRebuilt":"test","eventTime":"2024-03-04T10:00:00Z","userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"userName":"Admin"},"webIdFederationData":{"attributes":{"Key.With.Case":"v"}}}},"requestParameters":{"instancesSet":{"items":[{"instanceId":"i-1"}]}},"readOnly":true,"resources":[{"ARN":"arn:aws:ec2:us-east-1:1:instance/i-1","accountId":"1","type":"AWS::EC2::Instance"}],"userAgent":"curl\u001b[0m"}`
	for _, row := range [][]*string{asObjects, asArrays} {
		got, err := rb.rebuild(nil, row)
		if err != nil || string(got) != want {
			t.Errorf("%v\n got %s\nwant %s", err, got, want)
		}
		if !json.Valid(got) {
			t.Errorf("not JSON: %s", got)
		}
	}
	if _, err := rb.rebuild(nil, asObjects[:3]); err == nil {
		t.Error("a short row rebuilt")
	}
	bad := append([]*string(nil), asObjects...)
	bad[1] = s("{not json")
	if _, err := rb.rebuild(nil, bad); err == nil {
		t.Error("a broken nested value rebuilt")
	}
	// A request that is not JSON stays a string.
	odd := append([]*string(nil), asObjects...)
	odd[2] = s("not {json}")
	if got, _ := rb.rebuild(nil, odd); !strings.Contains(string(got), `"requestParameters":"not {json}"`) {
		t.Errorf("%s", got)
	}
}

func mustType(s string) Type {
	t, err := ParseType(s)
	if err != nil {
		panic(err)
	}
	return t
}

// FuzzPlan: whatever the filter, the SQL is one SELECT in which every value is inside a string
// literal: with the literals and the quoted names taken out, what is left is SQL's own words and
// punctuation.
func FuzzPlan(f *testing.F) {
	for _, s := range []string{"event:Run* principal:alice", `ua:"x'); DROP TABLE t; --"`, `resource:"a'b" ip:10.0.0.0/8`,
		"error:any -error:AccessDenied readonly:false", `"it's" -source:ec2`, "region:us-east-1 account:123456789012"} {
		f.Add(s)
	}
	tbl := testTable(map[string]string{"projection.timestamp.type": "date", "projection.timestamp.format": "yyyy/MM/dd"}, "account", "region", "timestamp")
	sc := Scope{From: time.Unix(1709510400, 0), To: time.Unix(1709596800, 0), Limit: 10, Regions: []string{"us-east-1"}}
	f.Fuzz(func(t *testing.T, text string) {
		q, err := filter.ParseQuery(text)
		if err != nil {
			return
		}
		sql := BuildPlan(tbl, sc, q).SQL
		rest, ok := stripQuoted(sql)
		if !ok || !strings.HasPrefix(sql, "SELECT ") {
			t.Fatalf("unbalanced quotes in\n%s", sql)
		}
		for _, c := range rest {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(" \n_(),.=<>", c)) {
				t.Fatalf("%q outside a literal in\n%s", c, sql)
			}
		}
	})
}

// stripQuoted removes the SQL's string literals and quoted names (a doubled quote stays inside one).
func stripQuoted(sql string) (string, bool) {
	var out strings.Builder
	for i := 0; i < len(sql); i++ {
		q := sql[i]
		if q != '\'' && q != '"' {
			out.WriteByte(q)
			continue
		}
		for i++; ; i++ {
			if i >= len(sql) {
				return "", false
			}
			if sql[i] == q {
				if i+1 < len(sql) && sql[i+1] == q {
					i++
					continue
				}
				break
			}
		}
	}
	return out.String(), true
}
