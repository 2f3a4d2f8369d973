package athena

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
)

// TableName is what --athena names: [CATALOG.]DATABASE.TABLE.
type TableName struct {
	Catalog  string // AwsDataCatalog unless given
	Database string
	Table    string
}

// DefaultCatalog is the Glue Data Catalog, Athena's own.
const DefaultCatalog = "AwsDataCatalog"

// namePart is what a catalog, database or table name may hold. Glue allows little more (lower-case
// letters, digits, '_'; catalogs also '-' and '@'); anything else is refused before it reaches SQL.
var namePart = regexp.MustCompile(`^[A-Za-z0-9_@-]{1,255}$`)

// ParseTableName reads [CATALOG.]DATABASE.TABLE.
func ParseTableName(s string) (TableName, error) {
	parts := strings.Split(s, ".")
	bad := fmt.Errorf("--athena %q: want DATABASE.TABLE or CATALOG.DATABASE.TABLE (letters, digits, _ and -), e.g. security.cloudtrail_logs", abbreviate(s, 80))
	if len(parts) < 2 || len(parts) > 3 {
		return TableName{}, bad
	}
	for _, p := range parts {
		if !namePart.MatchString(p) {
			return TableName{}, bad
		}
	}
	n := TableName{Catalog: DefaultCatalog, Database: parts[len(parts)-2], Table: parts[len(parts)-1]}
	if len(parts) == 3 {
		n.Catalog = parts[0]
	}
	return n, nil
}

func (n TableName) String() string {
	if n.Catalog == DefaultCatalog {
		return n.Database + "." + n.Table
	}
	return n.Catalog + "." + n.Database + "." + n.Table
}

// sql is the table as the FROM clause names it. The catalog goes in the query's context.
func (n TableName) sql() string {
	return quoteIdent(n.Database) + "." + quoteIdent(n.Table)
}

// Column is a column of the table.
type Column struct {
	Name string // lower case
	Type Type
}

// Table is what GetTableMetadata says of a CloudTrail table, and what trailscope makes of it: which
// columns hold what, and which partition keys carry the time, the region and the account.
type Table struct {
	Name       TableName
	Columns    []Column
	Partitions []Column
	Location   string // the table's S3 location, when the catalog gives it
	Params     map[string]string

	// The partition keys by role; "" when the table has none of that role.
	Time    timeKey
	Region  string
	Account string
}

// timeKey is how the table's partitions carry time: one key holding a date in a format
// ("timestamp" as yyyy/MM/dd), or year, month and day keys.
type timeKey struct {
	Key                    string // one key holding a formatted date
	Layout                 string // its Go layout
	Year, Month, Day, Hour string // separate keys (Hour optional)
}

func (k timeKey) none() bool { return k.Key == "" && k.Year == "" }

// Column returns the table's column of that name (not a partition key).
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// has reports whether the table has a column, or a nested struct field ("useridentity.arn").
func (t *Table) has(path string) bool {
	col, rest, nested := strings.Cut(path, ".")
	c, ok := t.Column(col)
	if !ok || !nested {
		return ok
	}
	_, ok = c.Type.Path(rest)
	return ok
}

// requiredColumns are what a record cannot be rebuilt without.
var requiredColumns = []string{"eventtime", "eventname", "eventsource"}

// newTable reads GetTableMetadata's answer.
func newTable(name TableName, md *types.TableMetadata) (*Table, error) {
	t := &Table{Name: name, Params: md.Parameters}
	if t.Params == nil {
		t.Params = map[string]string{}
	}
	t.Location = t.Params["location"]
	read := func(cols []types.Column) ([]Column, error) {
		var out []Column
		for _, c := range cols {
			n := strings.ToLower(aws.ToString(c.Name))
			typ, err := ParseType(cmp.Or(aws.ToString(c.Type), "string"))
			if err != nil {
				return nil, fmt.Errorf("table %s, column %s: %w", name, n, err)
			}
			out = append(out, Column{Name: n, Type: typ})
		}
		return out, nil
	}
	var err error
	if t.Columns, err = read(md.Columns); err != nil {
		return nil, err
	}
	if t.Partitions, err = read(md.PartitionKeys); err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range requiredColumns {
		if !t.has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &Error{Kind: ErrNotCloudTrail, Msg: fmt.Sprintf("%s has no column %s: it is not a CloudTrail table of the documented shape "+
			"(see the README's Athena section for the DDL)", name, strings.Join(missing, ", "))}
	}
	t.roles()
	return t, nil
}

// Partition key names by role, as the AWS documentation, the CloudTrail console and common
// CloudFormation templates call them.
var (
	regionKeys  = []string{"region", "awsregion", "aws_region"}
	accountKeys = []string{"account", "accountid", "account_id", "recipientaccountid"}
)

// roles finds which partition keys carry the time, the region and the account.
func (t *Table) roles() {
	names := make([]string, len(t.Partitions))
	for i, p := range t.Partitions {
		names[i] = p.Name
	}
	find := func(cands []string) string {
		for _, c := range cands {
			if slices.Contains(names, c) {
				return c
			}
		}
		return ""
	}
	t.Region, t.Account = find(regionKeys), find(accountKeys)
	// A key projected as a date says its format.
	for _, k := range names {
		if t.Params["projection."+k+".type"] != "date" {
			continue
		}
		if layout, ok := javaLayout(t.Params["projection."+k+".format"]); ok {
			t.Time = timeKey{Key: k, Layout: layout}
			return
		}
	}
	if slices.Contains(names, "year") && slices.Contains(names, "month") && slices.Contains(names, "day") {
		t.Time = timeKey{Year: "year", Month: "month", Day: "day"}
		if slices.Contains(names, "hour") {
			t.Time.Hour = "hour"
		}
		return
	}
	// Without projection, a "timestamp" key is the documented yyyy/MM/dd; other names have no
	// documented format and are left alone.
	if slices.Contains(names, "timestamp") {
		t.Time = timeKey{Key: "timestamp", Layout: "2006/01/02"}
	}
}

// javaLayout turns a projection's date format (Java's DateTimeFormatter: yyyy/MM/dd, yyyy-MM-dd-HH)
// into a Go layout. Only the fields a partition of CloudTrail's folders can hold are understood.
func javaLayout(f string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(f); {
		if j := slices.IndexFunc(javaFields, func(p [2]string) bool { return strings.HasPrefix(f[i:], p[0]) }); j >= 0 {
			b.WriteString(javaFields[j][1])
			i += len(javaFields[j][0])
			continue
		}
		if !strings.ContainsRune("/-_.: ", rune(f[i])) {
			return "", false
		}
		b.WriteByte(f[i])
		i++
	}
	return b.String(), b.Len() > 0 && strings.Contains(b.String(), "2006")
}

// javaFields are the fields of a Java date format javaLayout understands, with their Go layouts.
var javaFields = [][2]string{{"yyyy", "2006"}, {"MM", "01"}, {"dd", "02"}, {"HH", "15"}}
