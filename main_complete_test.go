package main

import (
	"strings"
	"testing"
)

// completions asks cobra's hidden __complete command, as the shell scripts do, and returns the
// candidates without their descriptions.
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	out, _, _ := runRoot(t, "", append([]string{"__complete"}, args...)...)
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" || strings.HasPrefix(l, ":") {
			continue
		}
		got = append(got, strings.SplitN(l, "\t", 2)[0])
	}
	return got
}

func has(list []string, want string) bool {
	for _, v := range list {
		if v == want {
			return true
		}
	}
	return false
}

func TestCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"query", "--format", ""}, "csv"},
		{[]string{"findings", "--format", ""}, "json"},
		{[]string{"query", "--sample", ""}, "invictus"},
		{[]string{"findings", "--rules", "root-activity,"}, "root-activity,sg-open-world"},
		{[]string{"findings", "--min-severity", ""}, "critical"},
		{[]string{"--lookup", "--region", ""}, "eu-west-1"},
		{[]string{"sample", "--answer", ""}, "terminated"},
		{[]string{"query", "ev"}, "event:"},
		{[]string{"query", "--sample", "invictus", "event:CreateU"}, "event:CreateUser"},
	} {
		if got := completions(t, c.args...); !has(got, c.want) {
			t.Errorf("%q: %q lacks %q", c.args, got, c.want)
		}
	}
	if got := completions(t, "query", "--format", ""); has(got, "invictus") {
		t.Errorf("format completes samples: %q", got)
	}
}
