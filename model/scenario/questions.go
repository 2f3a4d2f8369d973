// Package scenario is the built-in sample's incidents, each told as a question a learner answers with
// the console (questions.go), and how each answer is found in the loaded events rather than recited
// (answers.go): analysis over the index, as the findings are. The records that hold the stories are
// written by source/sample/story around the subjects named here.
package scenario

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// Scenario is one incident of the built-in sample, told as a question a learner answers with the console:
// a hint (a filter to type first), what to do next, and an answer that Answer computes from the loaded
// events rather than recites (answers.go). The generator (source/sample/story) builds its records around
// the scenarios' Subjects, and the sample's tests check that every answer matches what the generator wrote.
type Scenario struct {
	Name     string // short and stable: "terminated"; `trailscope sample --list` shows it
	Title    string // the incident in a few words
	Question string
	Hint     string // a filter to start from
	Next     string // what to look at once the hint's events are on screen
	// Subject is what the question names (an instance, an IAM user, a security group), "" when it names
	// nothing: the generator makes the story happen to it, and Answer looks for it.
	Subject string
	// LookAlike marks a normal activity that looks alarming; its answer says why it is not an incident.
	LookAlike bool
	answer    func(x *index.Index, s Scenario) (Answer, error)
}

// Answer is a scenario's answer, as found in the loaded events.
type Answer struct {
	Text      string // the answer in a few sentences, with the facts below
	Principal string // who made the calls
	Behind    string // who is behind the session, from its credential chain; "" when it is Principal
	AccessKey string // the key the calls were made with
	SourceIP  string
	Resources []string // what the answer is about, the main thing first
	Count     int      // how many: instances launched, calls denied, objects deleted...; 0 when not a count
	// Key is the event the question is about (the TerminateInstances, the first deletion, ...): the
	// scenario's Hint finds it, and the console jumps to it.
	Key index.EventRef
	// Evidence is the events the answer rests on, oldest first, Key among them; Filter finds them all.
	Evidence []index.EventRef
	Filter   string       // a filter that shows the evidence (and perhaps a few events around it)
	Chain    []index.Link // the credential chain behind the key event, when there is one
}

// Answer finds the scenario's answer in x. It fails when the loaded events do not hold the incident (they
// are not the built-in sample, or not all of it has arrived yet).
func (s Scenario) Answer(x *index.Index) (Answer, error) {
	if s.answer == nil {
		return Answer{}, errors.New("scenario " + s.Name + " has no answer")
	}
	return s.answer(x, s)
}

// The subjects of the built-in sample's questions. The generator makes the stories happen to them.
const (
	sampleInstance = "i-0b7e3c91d4a5f2608"  // the production instance someone terminated
	sampleCIUser   = "ci-deploy"            // the CI user whose key leaked
	sampleBastion  = "sg-0a4d2f9e71c3b8056" // the bastion's security group, opened to the world
)

// All returns the incidents of the built-in sample, in the order to try them; the look-alikes come
// last. The slice is the caller's.
func All() []Scenario {
	return []Scenario{
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
			answer: answerTerminated,
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
			answer: answerLeakedKey,
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
			answer: answerRoleChain,
		},
		{
			Name:  "cost-spike",
			Title: "The cost spike",
			Question: "This week's EC2 bill jumped. Who launched hundreds of instances in an hour, where, " +
				"how many, and what stopped it?",
			Hint: "event:RunInstances",
			Next: "Look at the histogram and the principals view (p) of the result; filter on the busiest " +
				"principal, then open one of its events for the credential chain.",
			answer: answerCostSpike,
		},
		{
			Name:     "root-no-mfa",
			Title:    "Root without MFA",
			Question: "The root user signed in to the console without MFA. When, from where, and what did it do?",
			Hint:     "type:Root",
			Next: "Open the ConsoleLogin events and compare MFAUsed; then filter on the address of the one " +
				"without MFA.",
			answer: answerRootNoMFA,
		},
		{
			Name:  "denied-storm",
			Title: "An AccessDenied storm",
			Question: "One night the error rate jumped. Which principal was denied hundreds of times, what " +
				"was it trying to do, and where do its credentials come from?",
			Hint: text(denied),
			Next: "The histogram shows when; the principals view (p) shows who. Open one of its events for " +
				"the credential chain.",
			answer: answerDeniedStorm,
		},
		{
			Name:  "bucket-wipe",
			Title: "A bucket emptied",
			Question: "A bucket's objects were read and then deleted in bulk, ransomware-style. Which bucket, " +
				"by whom, from where, and how did they get the credentials?",
			Hint: "event:DeleteObject",
			Next: "Find the principal and bucket with the most deletions, then filter on its source IP and " +
				"compare it with the addresses the same session used before.",
			answer: answerBucketWipe,
		},
		{
			Name:      "scale-in",
			Title:     "Terminations nobody made (a look-alike)",
			LookAlike: true,
			Question: "Several instances were terminated this week by a role nobody on the team uses. Should " +
				"you worry?",
			Hint:   "event:TerminateInstances",
			Next:   "Group by principal (p) and open one of the role's events: look at invokedBy and the source IP.",
			answer: answerScaleIn,
		},
	}
}

// Named returns the scenario with the given Name.
func Named(name string) (Scenario, bool) {
	for _, s := range All() {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

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
