// Package scenarios is the built-in sample's incidents, each told as a question a learner answers with
// the console (questions.go), and how each answer is found in the loaded events rather than recited
// (answers.go): analysis over the index, as the findings are. The records that hold the stories are
// written by source/sample/story around the subjects named here; main hands the questions to the
// console (model/scenario says what a question and its answer are).
package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
	"github.com/trailscope/trailscope/model/scenario"
)

// The subjects of the built-in sample's questions. The generator makes the stories happen to them.
const (
	sampleInstance = "i-0b7e3c91d4a5f2608"  // the production instance someone terminated
	sampleCIUser   = "ci-deploy"            // the CI user whose key leaked
	sampleBastion  = "sg-0a4d2f9e71c3b8056" // the bastion's security group, opened to the world
)

// All returns the incidents of the built-in sample, in the order to try them; the look-alikes come
// last. The slice is the caller's.
func All() []scenario.Scenario {
	return []scenario.Scenario{
		{
			Name:    "terminated",
			Title:   "I didn't terminate it",
			Subject: sampleInstance,
			Question: "Production instance " + sampleInstance + " was terminated, and the engineer whose name is " +
				"on the event says it wasn't them. Whose credentials terminated it, from which address, and does " +
				"the denial hold?",
			Hint: "event:TerminateInstances resource:" + sampleInstance,
			Next: "Open the event (Enter): read its identity and source IP, then pivot on the IP to see how " +
				"that session began.",
			Find: answerTerminated,
		},
		{
			Name:    "leaked-key",
			Title:   "A leaked CI key",
			Subject: sampleCIUser,
			Question: "The access key of the CI user " + sampleCIUser + " was pushed to a public repository. " +
				"Was it used by someone else? If so: from where, what did they do, and what did they leave behind?",
			Hint: "user:" + sampleCIUser + " -ua:Terraform",
			Next: "The CI system always calls through Terraform: look at the address and user agent of what " +
				"remains, then filter on that address to follow the intruder.",
			Find: answerLeakedKey,
		},
		{
			Name:    "role-chain",
			Title:   "SSH open to the world, through two roles",
			Subject: sampleBastion,
			Question: "Someone opened SSH (tcp 22) to the whole internet on the bastion's security group " +
				sampleBastion + " in production. The event names a role session. Which person is behind it?",
			Hint: "event:AuthorizeSecurityGroupIngress resource:" + sampleBastion,
			Next: "Open the rule that allows 0.0.0.0/0 and follow its credential chain: each link is the " +
				"AssumeRole that minted the key, and who called it.",
			Find: answerRoleChain,
		},
		{
			Name:  "cost-spike",
			Title: "The cost spike",
			Question: "This week's EC2 bill jumped. Who launched hundreds of instances in an hour, where, " +
				"how many, and what stopped it?",
			Hint: "event:RunInstances",
			Next: "Look at the histogram and the principals view (p) of the result; filter on the busiest " +
				"principal, then open one of its events for the credential chain.",
			Find: answerCostSpike,
		},
		{
			Name:     "root-no-mfa",
			Title:    "Root without MFA",
			Question: "The root user signed in to the console without MFA. When, from where, and what did it do?",
			Hint:     "type:Root",
			Next: "Open the ConsoleLogin events and compare MFAUsed; then filter on the address of the one " +
				"without MFA.",
			Find: answerRootNoMFA,
		},
		{
			Name:  "denied-storm",
			Title: "An AccessDenied storm",
			Question: "One night the error rate jumped. Which principal was denied hundreds of times, what " +
				"was it trying to do, and where do its credentials come from?",
			Hint: text(denied),
			Next: "The histogram shows when; the principals view (p) shows who. Open one of its events for " +
				"the credential chain.",
			Find: answerDeniedStorm,
		},
		{
			Name:  "bucket-wipe",
			Title: "A bucket emptied",
			Question: "A bucket's objects were read and then deleted in bulk, ransomware-style. Which bucket, " +
				"by whom, from where, and how did they get the credentials?",
			Hint: "event:DeleteObject",
			Next: "Find the principal and bucket with the most deletions, then filter on its source IP and " +
				"compare it with the addresses the same session used before.",
			Find: answerBucketWipe,
		},
		{
			Name:      "scale-in",
			Title:     "Terminations nobody made (a look-alike)",
			LookAlike: true,
			Question: "Several instances were terminated this week by a role nobody on the team uses. Should " +
				"you worry?",
			Hint: "event:TerminateInstances",
			Next: "Group by principal (p) and open one of the role's events: look at invokedBy and the source IP.",
			Find: answerScaleIn,
		},
	}
}

// Named returns the scenario with the given Name.
func Named(name string) (scenario.Scenario, bool) { return scenario.Named(All(), name) }

// term is a filter term: a field and its values.
func term(f filter.Field, values ...string) filter.Term { return filter.Term{Field: f, Values: values} }

// text writes terms as filter text (filter.Query.String): the one way the answers build a filter.
func text(terms ...filter.Term) string { return filter.Query{Terms: terms}.String() }

// find returns the events the terms select, oldest first.
func find(x *index.Index, terms ...filter.Term) ([]index.EventRef, error) {
	return findText(x, text(terms...))
}

// findText runs a filter over x.
func findText(x *index.Index, text string) ([]index.EventRef, error) {
	q, err := filter.ParseQuery(text)
	if err != nil {
		return nil, fmt.Errorf("filter %q: %w", text, err)
	}
	return x.Query(q).Refs, nil
}

// rawField reads one field of an event's raw record (a gjson path); "" when the record or field is missing.
func rawField(x *index.Index, ref index.EventRef, path string) string {
	raw, err := x.Raw(ref)
	if err != nil {
		return ""
	}
	return gjson.GetBytes(raw, path).String()
}

// when formats a time for an answer.
func when(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04") + " UTC" }

// clock formats a time of the same day as another one in an answer.
func clock(t time.Time) string { return t.UTC().Format("15:04") }

// behind returns the credential chain of an event and who is at its end.
func behind(x *index.Index, ref index.EventRef) (string, []index.Link) {
	chain := x.Chain(ref)
	if i := slices.IndexFunc(chain, func(l index.Link) bool { return l.LongTerm }); i >= 0 {
		chain = chain[:i] // who made a user's key is not who uses it
	}
	if len(chain) == 0 {
		return "", nil
	}
	return chain[len(chain)-1].Caller, chain
}

// describeChain tells a credential chain in words, nearest link first.
func describeChain(x *index.Index, chain []index.Link) string {
	var b strings.Builder
	for i, l := range chain {
		acct := x.Record(l.Minted).Identity.Account
		if i == 0 {
			b.WriteString("Its key was minted by ")
		} else {
			b.WriteString("; that caller's key was minted by ")
		}
		fmt.Fprintf(&b, "%s at %s, called by %s", l.Event, when(l.Time), l.Caller)
		if acct != "" && !strings.Contains(l.Caller, acct) {
			fmt.Fprintf(&b, " of account %s", acct)
		}
		if l.SourceIP != "" {
			fmt.Fprintf(&b, " from %s", l.SourceIP)
		}
	}
	b.WriteString(".")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// The resource kinds the answers count (cloudtrail.Resource.Kind).
const (
	kindInstance = "ec2:instance"
	kindBucket   = "s3:bucket"
)
