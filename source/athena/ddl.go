package athena

import (
	"cmp"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ddlColumns is the CloudTrail table's column list as the Athena User Guide documents it ("Create
// the table for CloudTrail logs in Athena using partition projection"): lower-case names,
// userIdentity and resources nested, requestParameters and responseElements as JSON strings.
const ddlColumns = `  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<
      userid: STRING,
      identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<
        mfaauthenticated: STRING,
        creationdate: STRING>,
      sessionissuer: STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<
        federatedprovider: STRING,
        attributes: MAP<STRING,STRING>>
    >
  >,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<
    arn: STRING,
    accountid: STRING,
    type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<
    reason: STRING,
    updatedfields: STRING,
    originalrequestid: STRING,
    originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<
    tlsversion: STRING,
    ciphersuite: STRING,
    clientprovidedhostheader: STRING>`

// DocumentedColumns are the columns of the documented CloudTrail table (the DDL's), as Glue
// describes them: what a table made with DDL has, and what a test's stand-in for Athena serves.
var DocumentedColumns = sync.OnceValue(func() []Column {
	var cols []Column
	depth, start := 0, 0
	add := func(def string) {
		name, typ, _ := strings.Cut(strings.TrimSpace(def), " ")
		t, err := ParseType(typ)
		if err != nil {
			panic("the documented DDL: " + err.Error())
		}
		cols = append(cols, Column{Name: name, Type: t})
	}
	for i := 0; i < len(ddlColumns); i++ {
		switch ddlColumns[i] {
		case '<':
			depth++
		case '>':
			depth--
		case ',':
			if depth == 0 {
				add(ddlColumns[start:i])
				start = i + 1
			}
		}
	}
	add(ddlColumns[start:])
	return cols
})

// Trail is where a trail delivers: what the DDL's location needs.
type Trail struct {
	Name         string
	Bucket       string
	Prefix       string // the trail's S3 key prefix, "" when none
	Account      string // the account the trail belongs to
	Region       string // its home region
	Organization bool   // an organization trail: AWSLogs/<organization ID>/<account>/...
	OrgID        string // the organization's ID when known
}

// DDL returns the statement that creates a CloudTrail table over a trail's bucket with partition
// projection, as the Athena User Guide documents it: for one account and region, `timestamp`
// projected as yyyy/MM/dd; for an organization trail, `account` and `region` projected too.
// Placeholders the caller could not know are written in capitals.
func DDL(name TableName, tr Trail, since time.Time) string {
	bucket := cmp.Or(tr.Bucket, "TRAIL_BUCKET")
	base := "s3://" + bucket + "/"
	if tr.Prefix != "" {
		base += strings.Trim(tr.Prefix, "/") + "/"
	}
	base += "AWSLogs/"
	start := since.UTC().Format("2006/01/02")
	table := quoteDDLName(name)
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE %s (\n%s\n)\n", table, ddlColumns)
	if tr.Organization {
		fmt.Fprintf(&b, "PARTITIONED BY (`account` string, `region` string, `timestamp` string)\n")
	} else {
		fmt.Fprintf(&b, "PARTITIONED BY (`timestamp` string)\n")
	}
	b.WriteString("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n" +
		"STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n" +
		"OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
	var location, template string
	if tr.Organization {
		location = base + cmp.Or(tr.OrgID, "ORGANIZATION_ID") + "/"
		template = location + "${account}/CloudTrail/${region}/${timestamp}"
	} else {
		location = base + cmp.Or(tr.Account, "ACCOUNT_ID") + "/CloudTrail/" + cmp.Or(tr.Region, "REGION") + "/"
		template = location + "${timestamp}"
	}
	fmt.Fprintf(&b, "LOCATION '%s'\nTBLPROPERTIES (\n  'projection.enabled'='true',\n", location)
	if tr.Organization {
		fmt.Fprintf(&b, "  'projection.account.type'='enum',\n  'projection.account.values'='%s',\n",
			cmp.Or(tr.Account, "111122223333")+",ACCOUNT_ID_2")
		fmt.Fprintf(&b, "  'projection.region.type'='enum',\n  'projection.region.values'='%s',\n",
			cmp.Or(tr.Region, "us-east-1")+",REGION_2")
	}
	fmt.Fprintf(&b, "  'projection.timestamp.type'='date',\n  'projection.timestamp.format'='yyyy/MM/dd',\n"+
		"  'projection.timestamp.interval'='1',\n  'projection.timestamp.interval.unit'='DAYS',\n"+
		"  'projection.timestamp.range'='%s,NOW',\n  'storage.location.template'='%s'\n);\n", start, template)
	return b.String()
}

// quoteDDLName names the table in Hive DDL (backquotes).
func quoteDDLName(n TableName) string {
	return "`" + n.Database + "`.`" + n.Table + "`"
}
