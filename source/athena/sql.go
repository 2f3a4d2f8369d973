package athena

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trailscope/trailscope/model/filter"
)

// This file writes the one SELECT trailscope sends: the columns of the table (nested ones as JSON
// text), the partitions of the window, the region and the account, an eventtime bound, and the
// filter's terms that translate to SQL. It writes Trino SQL of the plainest kind (comparisons,
// lower, coalesce, strpos, LIKE ... ESCAPE, IN, CAST AS JSON, json_format): every value the user
// typed is a single-quoted literal with its quotes doubled, every name a double-quoted identifier,
// and anything SQL cannot carry safely stays out of it and is filtered here instead.

// Placement says where a filter term is applied.
type Placement uint8

// Where terms run.
const (
	// Local: only here, on the rows Athena returns.
	Local Placement = iota
	// Narrowed: Athena applies a wider condition (every row the term matches, and some more); the
	// term itself runs here.
	Narrowed
	// Exact: Athena applies the term exactly.
	Exact
	// InWindow: a since: or until: term, which bounds the window: the partitions and eventtime.
	InWindow
)

func (p Placement) String() string {
	switch p {
	case Narrowed:
		return "narrowed in Athena, finished here"
	case Exact:
		return "in Athena"
	case InWindow:
		return "in Athena (the window)"
	}
	return "here"
}

// TermPlan is where one filter term runs, and why.
type TermPlan struct {
	Term  string // as typed
	Where Placement
	SQL   string // its condition in the SQL, unless Local
	Why   string // for a Local term: why it could not go to Athena
}

// Plan is the SELECT and what it does.
type Plan struct {
	SQL        string
	Terms      []TermPlan
	Partitions []string // the partition conditions, for --explain
	Notes      []string // what the user should know (a window the partitions cannot narrow, say)
	Limit      int      // rows wanted; the SQL asks for one more, to tell when the limit cuts
}

// Scope is what a run reads: the window and the regions and accounts to keep or leave out.
type Scope struct {
	From, To       time.Time
	Regions        []string // nil: any
	NotRegions     []string
	Accounts       []string // nil: any
	NotAccounts    []string
	Limit          int
	DeliveryMargin time.Duration // how late a file may land in a later day's folder than its events
}

// DefaultDeliveryMargin: CloudTrail delivers a file within about 15 minutes of its events, into the
// folder of the day it delivers; the last events of a day land in the next day's folder.
const DefaultDeliveryMargin = time.Hour

// maxLiteral bounds a value sent as a literal; longer ones are filtered here.
const maxLiteral = 1024

// maxInList bounds partition values listed one by one.
const maxInList = 1000

// BuildPlan writes the SELECT for a table, a scope and a filter.
func BuildPlan(t *Table, sc Scope, q filter.Query) Plan {
	var p Plan
	p.Limit = sc.Limit
	var where []string
	where = append(where, t.partitionConds(sc, &p)...)
	p.Partitions = slices.Clone(where)
	where = append(where, fmt.Sprintf("%s >= %s AND %s <= %s",
		quoteIdent("eventtime"), quote(sc.From.UTC().Format(time.RFC3339)), quoteIdent("eventtime"), quote(sc.To.UTC().Format(time.RFC3339))))
	b := builder{t: t}
	for _, term := range q.Terms {
		tp := b.plan(term)
		p.Terms = append(p.Terms, tp)
		if tp.Where == Exact || tp.Where == Narrowed {
			where = append(where, tp.SQL)
		}
	}
	var sb strings.Builder
	sb.WriteString("SELECT ")
	for i, c := range t.Columns {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(selectExpr(c))
	}
	sb.WriteString("\nFROM " + t.Name.sql())
	for i, w := range where {
		if i == 0 {
			sb.WriteString("\nWHERE ")
		} else {
			sb.WriteString("\n  AND ")
		}
		sb.WriteString("(" + w + ")")
	}
	sb.WriteString("\nORDER BY " + quoteIdent("eventtime") + " DESC")
	if sc.Limit > 0 {
		sb.WriteString("\nLIMIT " + strconv.Itoa(sc.Limit+1))
	}
	p.SQL = sb.String()
	return p
}

// selectExpr selects a column: nested values as JSON text, so that they are read back as JSON and
// not parsed from Trino's own text form of rows.
func selectExpr(c Column) string {
	id := quoteIdent(c.Name)
	if c.Type.Complex() {
		return "json_format(CAST(" + id + " AS JSON)) AS " + id
	}
	return id
}

// partitionConds narrows the partitions to the window, the regions and the accounts; where the
// table has no such partition, the region and the account become conditions on their columns.
func (t *Table) partitionConds(sc Scope, p *Plan) []string {
	var out []string
	if c := t.timeCond(sc, p); c != "" {
		out = append(out, c)
	}
	in := func(col string, allow, deny []string) {
		if allow != nil {
			if len(allow) == 0 {
				out = append(out, "FALSE")
			} else {
				out = append(out, col+" IN ("+quoteList(allow)+")")
			}
		}
		if len(deny) > 0 {
			out = append(out, col+" NOT IN ("+quoteList(deny)+")")
		}
	}
	if t.Region != "" {
		in(quoteIdent(t.Region), sc.Regions, sc.NotRegions)
	} else {
		in(lowerOf("awsregion"), sc.Regions, sc.NotRegions)
	}
	if t.Account != "" {
		in(quoteIdent(t.Account), sc.Accounts, sc.NotAccounts)
	} else if t.has("recipientaccountid") {
		in(strOf("recipientaccountid"), sc.Accounts, sc.NotAccounts)
	}
	return out
}

// timeCond is the partition condition of the window: a range where the partition's values sort as
// times do (yyyy/MM/dd), a list where they do not, year/month/day lists for separate keys.
func (t *Table) timeCond(sc Scope, p *Plan) string {
	k := t.Time
	if k.none() {
		p.Notes = append(p.Notes, fmt.Sprintf("%s has no date partition: Athena reads all of it, whatever the window", t.Name))
		return ""
	}
	margin := sc.DeliveryMargin
	from, to := sc.From.UTC(), sc.To.UTC().Add(margin)
	if k.Key != "" {
		col := quoteIdent(k.Key)
		if ordered(k.Layout) {
			return fmt.Sprintf("%s >= %s AND %s <= %s", col, quote(from.Format(k.Layout)), col, quote(to.Format(k.Layout)))
		}
		step := 24 * time.Hour
		if strings.Contains(k.Layout, "15") {
			step = time.Hour
		}
		var vals []string
		for at := truncate(from, step); !at.After(to); at = at.Add(step) {
			if len(vals) == maxInList {
				p.Notes = append(p.Notes, fmt.Sprintf("the window spans more than %d partitions of %s: not narrowed by date", maxInList, k.Key))
				return ""
			}
			vals = append(vals, at.Format(k.Layout))
		}
		return col + " IN (" + quoteList(vals) + ")"
	}
	// Separate keys: one condition per month, listing its days.
	type month struct{ y, m string }
	var order []month
	days := map[month][]string{}
	n := 0
	for at := truncate(from, 24*time.Hour); !at.After(to); at = at.AddDate(0, 0, 1) {
		mo := month{at.Format("2006"), at.Format("01")}
		if _, ok := days[mo]; !ok {
			order = append(order, mo)
		}
		days[mo] = append(days[mo], at.Format("02"))
		if n++; n > maxInList {
			p.Notes = append(p.Notes, fmt.Sprintf("the window spans more than %d days: not narrowed by date", maxInList))
			return ""
		}
	}
	var ors []string
	for _, mo := range order {
		ors = append(ors, fmt.Sprintf("(%s = %s AND %s = %s AND %s IN (%s))", quoteIdent(k.Year), quote(mo.y),
			quoteIdent(k.Month), quote(mo.m), quoteIdent(k.Day), quoteList(days[mo])))
	}
	return strings.Join(ors, " OR ")
}

// ordered reports whether values of a layout sort as the times they stand for: year, month, day,
// hour in that order, each zero-padded.
func ordered(layout string) bool {
	last := -1
	for _, f := range []string{"2006", "01", "02", "15"} {
		i := strings.Index(layout, f)
		if i < 0 {
			continue
		}
		if i < last {
			return false
		}
		last = i
	}
	return true
}

func truncate(t time.Time, d time.Duration) time.Time {
	if d == 24*time.Hour {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return t.Truncate(d)
}

// quoteIdent quotes a name as an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quote writes s as an SQL string literal. Only values that safeLiteral accepts reach it.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = quote(v)
	}
	return strings.Join(q, ", ")
}

// safeLiteral reports whether a value can go into the SQL as a literal: valid UTF-8 without
// control characters (which a terminal or a log would misread, and SQL has no escapes for), and not
// huge.
func safeLiteral(s string) bool {
	if len(s) > maxLiteral || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// ident is a column or a nested field as SQL names it: "useridentity"."arn".
func ident(path string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		parts[i] = quoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// strOf is a string column that is never NULL: a missing value compares as "", as the index holds it.
func strOf(path string) string { return "coalesce(" + ident(path) + ", '')" }

// lowerOf is strOf in lower case, for the comparisons that ignore case.
func lowerOf(path string) string { return "lower(" + strOf(path) + ")" }

// likePattern turns a value with * wildcards into a LIKE pattern (with \ as the escape).
func likePattern(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`, `*`, `%`)
	return r.Replace(v)
}

func like(expr, pattern string) string {
	return expr + " LIKE " + quote(pattern) + ` ESCAPE '\'`
}
