// Package inspect reads what the findings rules need from a record's request or response, which the
// index does not keep: a security group rule's CIDR and ports, a policy document, whether a console
// sign-in used MFA. Each Kind of inspection reads the records of a few calls and gives a Fact: whether
// its rule's condition holds, how badly, and why. Decoding runs it on the few records that need it while
// the bytes are at hand (Record), and the findings rules read a raw record back (Raw) only for the events
// whose source did not.
package inspect

import (
	"strconv"
	"strings"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/trailscope/trailscope/model/catalog"
)

// Fact is what an inspection learnt from one raw record.
type Fact struct {
	Read   bool             // the raw record was read (false: it was not kept, or could not be read)
	Hit    bool             // the rule's condition holds
	Sev    catalog.Severity // the severity this event gives its finding when hit
	Detail string
	Failed bool // a console sign-in that failed
	NoMFA  bool // a console sign-in without MFA
	Days   int  // a log group's retention
}

// Event is what the index knows of the event whose record is inspected.
type Event struct {
	Account string // the account the event happened in: shares and trusts outside it matter
	Name    string // eventName without API version
	Target  string // what the call acted on: the ID of its first resource
}

// Kind is a kind of record an inspection reads.
type Kind int

// The inspections; the findings rules refer to them.
const (
	Login Kind = iota
	SecurityGroup
	Share
	BucketPolicy
	BucketACL
	PublicAccessBlock
	InlinePolicy
	Trust
	LambdaPermission
	Retention
	Detector
	RunInstances
	Parameters
	UserDataModified
	UserDataRead
	NumKinds // how many kinds there are
)

// inspection is a kind of raw record a rule reads, and how.
type inspection struct {
	calls []catalog.Call
	read  func(c *record) Fact
}

// record is one record being inspected.
type record struct {
	Event
	rec gjson.Result
	req gjson.Result // requestParameters
}

// call is catalog.NewCall, written short for the table below.
var call = catalog.NewCall

var inspections = [NumKinds]inspection{
	Login:             {[]catalog.Call{call("signin", "ConsoleLogin")}, readLogin},
	SecurityGroup:     {[]catalog.Call{call("ec2", "AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules")}, readSecurityGroup},
	Share:             {[]catalog.Call{call("ec2", "ModifySnapshotAttribute", "ModifyImageAttribute"), call("rds", "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute")}, readShare},
	BucketPolicy:      {[]catalog.Call{call("s3", "PutBucketPolicy")}, readBucketPolicy},
	BucketACL:         {[]catalog.Call{call("s3", "PutBucketAcl")}, readBucketACL},
	PublicAccessBlock: {[]catalog.Call{call("s3", "PutBucketPublicAccessBlock"), call("s3control", "PutPublicAccessBlock")}, readPublicAccessBlock},
	InlinePolicy:      {[]catalog.Call{call("iam", "PutUserPolicy", "PutRolePolicy", "PutGroupPolicy", "CreatePolicyVersion")}, readInlinePolicy},
	Trust:             {[]catalog.Call{call("iam", "UpdateAssumeRolePolicy", "CreateRole")}, readTrust},
	LambdaPermission:  {[]catalog.Call{call("lambda", "AddPermission", "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig")}, readLambdaPermission},
	Retention:         {[]catalog.Call{call("logs", "PutRetentionPolicy")}, readRetention},
	Detector:          {[]catalog.Call{call("guardduty", "UpdateDetector")}, readDetector},
	RunInstances:      {[]catalog.Call{call("ec2", "RunInstances")}, readRunInstances},
	Parameters:        {[]catalog.Call{call("ssm", "GetParameter", "GetParameters", "GetParametersByPath")}, readParameters},
	UserDataModified:  {[]catalog.Call{call("ec2", "ModifyInstanceAttribute")}, readUserDataModified},
	UserDataRead:      {[]catalog.Call{call("ec2", "DescribeInstanceAttribute")}, readUserDataRead},
}

// Calls returns the calls whose records the inspection reads. The slice is shared: do not change it.
func (k Kind) Calls() []catalog.Call { return inspections[k].calls }

// Raw runs an inspection over a raw record; ev holds what the index knows of the event.
func Raw(kind Kind, ev Event, raw []byte) Fact {
	c := record{Event: ev, rec: gjson.ParseBytes(raw)}
	c.req = c.rec.Get("requestParameters")
	f := inspections[kind].read(&c)
	f.Read = true
	return f
}

// kindOf maps the calls the inspections read (eventSource, eventName without API version) to their
// inspection.
var kindOf = sync.OnceValue(func() map[[2]string]Kind {
	m := map[[2]string]Kind{}
	for kind, in := range inspections {
		for _, c := range in.calls {
			for _, n := range c.Names {
				m[[2]string{c.EventSource(), n}] = Kind(kind)
			}
		}
	}
	return m
})

// Record reads from a record's raw JSON what the findings rules need beyond the index, and returns it
// in a compact form (Decode reads it); "" for the events no rule reads, which is all but a few calls.
// source and name are the record's eventSource and eventName, account the account it happened in, and
// target the ID of its first resource. A source that has the bytes at hand when it decodes a record
// keeps this with it (Record.Inspected), so that the rules never read raw records back: re-reading a
// gzipped archive costs a decompression per file.
func Record(source, name, account, target string, raw []byte) string {
	name = catalog.TrimAPIVersion(name)
	kind, ok := kindOf()[[2]string{source, name}]
	if !ok {
		return ""
	}
	return Raw(kind, Event{Account: account, Name: name, Target: target}, raw).encode()
}

// factSep separates the fields of an encoded fact: a character no detail holds.
const factSep = "\x1f"

// encode writes a fact for Record.
func (f Fact) encode() string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	return strings.Join([]string{"f1", b(f.Hit), strconv.Itoa(int(f.Sev)), b(f.Failed), b(f.NoMFA),
		strconv.Itoa(f.Days), strings.ReplaceAll(f.Detail, factSep, " ")}, factSep)
}

// Decode reads what Record wrote; ok is false for anything else.
func Decode(s string) (f Fact, ok bool) {
	p := strings.SplitN(s, factSep, 7)
	if len(p) != 7 || p[0] != "f1" {
		return Fact{}, false
	}
	sev, err1 := strconv.Atoi(p[2])
	days, err2 := strconv.Atoi(p[5])
	if err1 != nil || err2 != nil || sev < 0 || sev > int(catalog.SeverityCritical) {
		return Fact{}, false
	}
	return Fact{Read: true, Hit: p[1] == "1", Sev: catalog.Severity(sev), Failed: p[3] == "1", NoMFA: p[4] == "1",
		Days: days, Detail: p[6]}, true
}
