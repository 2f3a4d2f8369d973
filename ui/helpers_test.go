package ui

import (
	"fmt"
	"math/rand/v2"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/index"
)

// memRaw is a RawStore over one byte slice, for tests.
type memRaw struct{ b []byte }

func (m *memRaw) Raw(off int64, n int) ([]byte, error) { return m.b[off : off+int64(n)], nil }

var testEpoch = time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

// synthRecords makes n records deterministically: users and role sessions calling a spread of
// events, some failing, some minting keys, over a span of time. Every record has a raw JSON form.
func synthRecords(n int, seed uint64) []cloudtrail.Record {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e37))
	names := []string{"DescribeInstances", "RunInstances", "TerminateInstances", "GetObject", "PutObject",
		"ListBuckets", "CreateUser", "AttachUserPolicy", "AssumeRole", "ConsoleLogin", "GetCallerIdentity",
		"DeleteTrail", "AuthorizeSecurityGroupIngress", "ListRoles", "GetSecretValue"}
	sources := map[string]string{"DescribeInstances": "ec2", "RunInstances": "ec2", "TerminateInstances": "ec2",
		"GetObject": "s3", "PutObject": "s3", "ListBuckets": "s3", "CreateUser": "iam", "AttachUserPolicy": "iam",
		"AssumeRole": "sts", "ConsoleLogin": "signin", "GetCallerIdentity": "sts", "DeleteTrail": "cloudtrail",
		"AuthorizeSecurityGroupIngress": "ec2", "ListRoles": "iam", "GetSecretValue": "secretsmanager"}
	store := &memRaw{}
	out := make([]cloudtrail.Record, 0, n)
	span := 30 * 24 * time.Hour
	for i := range n {
		name := names[rng.IntN(len(names))]
		r := cloudtrail.Record{
			Time:      testEpoch.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Second),
			Name:      name,
			Source:    sources[name] + ".amazonaws.com",
			Region:    []string{"us-east-1", "eu-west-1", "ap-south-1"}[rng.IntN(3)],
			Account:   "123456789012",
			SourceIP:  fmt.Sprintf("203.0.113.%d", rng.IntN(200)),
			UserAgent: []string{"aws-cli/2.15.0", "Boto3/1.34", "console.amazonaws.com"}[rng.IntN(3)],
			EventType: "AwsApiCall",
			Category:  "Management",
			EventID:   fmt.Sprintf("%08x-0000-4000-8000-%012x", seed, i),
			RequestID: fmt.Sprintf("req-%d", i),
			ReadOnly:  cloudtrail.True,
		}
		if u := rng.IntN(100); u < 60 {
			u := rng.IntN(2000) // each user has its own long-term key, as in real trails
			user := fmt.Sprintf("user%d", u)
			r.Identity = cloudtrail.Identity{Type: "IAMUser", ARN: "arn:aws:iam::123456789012:user/" + user,
				UserName: user, AccessKey: fmt.Sprintf("AKIA%016d", u), Principal: "user/" + user, Role: "user/" + user}
		} else {
			ro, se := rng.IntN(50), rng.IntN(400)
			role := fmt.Sprintf("role%d", ro)
			sess := fmt.Sprintf("i-%017x", se)
			r.Identity = cloudtrail.Identity{Type: "AssumedRole", ARN: "arn:aws:sts::123456789012:assumed-role/" + role + "/" + sess,
				AccessKey: fmt.Sprintf("ASIA%08d%08d", ro, se), Principal: "role/" + role + " (session " + sess + ")",
				Role: "role/" + role, Session: sess, IssuerName: role}
		}
		switch name {
		case "RunInstances", "TerminateInstances", "DescribeInstances":
			r.Resources = []cloudtrail.Resource{{Kind: "ec2:instance", ID: fmt.Sprintf("i-%017x", rng.IntN(5000))}}
		case "GetObject", "PutObject":
			r.Resources = []cloudtrail.Resource{{Kind: "s3:bucket", ID: fmt.Sprintf("bucket-%d", rng.IntN(300))}}
		case "CreateUser", "AttachUserPolicy":
			r.Resources = []cloudtrail.Resource{{Kind: "iam:user", ID: fmt.Sprintf("user%d", rng.IntN(2000))}}
		case "AssumeRole":
			r.MintedKey = fmt.Sprintf("ASIA%016d", rng.IntN(20000))
		}
		if name != "DescribeInstances" && name != "GetObject" && name != "ListBuckets" && name != "ListRoles" && name != "GetCallerIdentity" {
			r.ReadOnly = cloudtrail.False
		}
		if rng.IntN(20) == 0 {
			r.ErrorCode, r.ErrorMessage = "AccessDenied", "User is not authorized to perform this action"
		}
		raw := fmt.Appendf(nil, `{"eventVersion":"1.08","userIdentity":{"type":%q,"arn":%q,"accessKeyId":%q},"eventTime":%q,"eventSource":%q,"eventName":%q,"awsRegion":%q,"sourceIPAddress":%q,"userAgent":%q,"requestParameters":{"instanceId":"i-0abc","note":"line\u001b[31m"},"responseElements":null,"eventID":%q}`,
			r.Identity.Type, r.Identity.ARN, r.Identity.AccessKey, r.Time.Format(time.RFC3339), r.Source, r.Name, r.Region, r.SourceIP, r.UserAgent, r.EventID)
		if i >= 10000 { // the raw forms of the first 10,000 stand in for the rest: memory stays small
			r.Raw = out[i%10000].Raw
		} else {
			r.Raw = cloudtrail.RawRef{Store: store, Off: int64(len(store.b)), Len: len(raw)}
			store.b = append(store.b, raw...)
		}
		out = append(out, r)
	}
	return out
}

// testIndex returns an index of n synthetic records.
func testIndex(n int) *index.Index {
	idx := index.New()
	recs := synthRecords(n, 7)
	for i := 0; i < len(recs); i += 10000 {
		idx.Add(recs[i:min(i+10000, len(recs))])
	}
	return idx
}

// drive runs a command and feeds what it returns back into the app, synchronously, the way the
// Bubble Tea loop would; the slow poll and the loader's next wait are not followed.
func drive(a *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil, pollMsg:
		return
	case tea.BatchMsg:
		for _, c := range m {
			drive(a, c)
		}
		return
	}
	_, next := a.Update(msg)
	drive(a, next)
}

// newTestApp returns a console over idx at w x h with its first query done.
func newTestApp(idx *index.Index, w, h int) *App {
	return newTestAppWith(Options{Index: idx, Source: "test"}, w, h)
}

// newTestAppWith returns a console with opt at w x h with its first query done.
func newTestAppWith(opt Options, w, h int) *App {
	a := newApp(opt)
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	drive(a, a.runQuery(""))
	return a
}

// press sends keys ("enter", "j", "/", or text typed rune by rune with type:) and runs what they start.
func press(a *App, keys ...string) {
	for _, k := range keys {
		_, cmd := a.Update(keyMsg(k))
		drive(a, cmd)
	}
}

func typeText(a *App, s string) {
	for _, r := range s {
		_, cmd := a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		drive(a, cmd)
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// screen returns the console as plain text.
func screen(a *App) string { return ansi.Strip(a.View().Content) }
