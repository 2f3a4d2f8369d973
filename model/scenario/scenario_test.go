package scenario

import (
	"errors"
	"testing"

	"github.com/trailscope/trailscope/model/index"
)

func TestAnswerAndNamed(t *testing.T) {
	found := errors.New("found")
	list := []Scenario{
		{Name: "silent"},
		{Name: "asks", Subject: "i-1", Find: func(_ *index.Index, s Scenario) (Answer, error) {
			return Answer{Text: "about " + s.Subject}, found
		}},
	}
	if _, err := list[0].Answer(index.New()); err == nil || err.Error() != "scenario silent has no answer" {
		t.Errorf("a scenario without Find: %v", err)
	}
	s, ok := Named(list, "asks")
	if !ok {
		t.Fatal("asks not named")
	}
	if a, err := s.Answer(index.New()); a.Text != "about i-1" || err != found {
		t.Errorf("Answer passes the scenario to Find and returns what it says: %q, %v", a.Text, err)
	}
	if _, ok := Named(list, "nobody"); ok {
		t.Error("a name not in the list was found")
	}
}
