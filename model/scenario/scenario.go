// Package scenario says what a sample's scenario is: an incident told as a question a learner answers
// with the console, and its answer as found in the loaded events rather than recited. It holds no story:
// the built-in sample's questions, their subjects and how each answer is found are in
// source/sample/scenarios, and main hands them to the console.
package scenario

import (
	"errors"

	"github.com/trailscope/trailscope/model/index"
)

// Scenario is one incident of a sample, told as a question a learner answers with the console: a hint
// (a filter to type first), what to do next, and an answer that Answer computes from the loaded events.
type Scenario struct {
	Name     string // short and stable: "terminated"; `trailscope sample --list` shows it
	Title    string // the incident in a few words
	Question string
	Hint     string // a filter to start from
	Next     string // what to look at once the hint's events are on screen
	// Subject is what the question names (an instance, an IAM user, a security group), "" when it names
	// nothing: the sample's generator makes the story happen to it, and Find looks for it.
	Subject string
	// LookAlike marks a normal activity that looks alarming; its answer says why it is not an incident.
	LookAlike bool
	// Find finds the answer in the loaded events.
	Find func(x *index.Index, s Scenario) (Answer, error)
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
// are not the sample, or not all of it has arrived yet).
func (s Scenario) Answer(x *index.Index) (Answer, error) {
	if s.Find == nil {
		return Answer{}, errors.New("scenario " + s.Name + " has no answer")
	}
	return s.Find(x, s)
}

// Named returns the scenario of list with the given Name.
func Named(list []Scenario, name string) (Scenario, bool) {
	for _, s := range list {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}
