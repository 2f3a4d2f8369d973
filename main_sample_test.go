package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRoot(strings.NewReader(""), &out, &errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String() + errOut.String(), err
}

func TestSampleCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"sample"}, []string{"scenarios", "invictus", "hint: event:TerminateInstances"}},
		{[]string{"sample", "--list"}, []string{"[leaked-key]", "[scale-in]"}},
		{[]string{"sample", "--about", "invictus"}, []string{"Invictus", "MIT License"}},
		{[]string{"sample", "invictus", "--about"}, []string{"Stratus Red Team"}},
		{[]string{"sample", "--about"}, []string{"fictional company"}},
		{[]string{"sample", "--answer", "root-no-mfa"}, []string{"without MFA", "DeleteBucket", "type:Root ip:"}},
	} {
		out, err := runCmd(t, tc.args...)
		if err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, w, out)
			}
		}
	}
	for _, args := range [][]string{{"sample", "--about", "nope"}, {"sample", "--answer", "nope"}, {"sample", "extra"}} {
		if _, err := runCmd(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestOpenSample(t *testing.T) {
	var f sourceFlags
	src, err := f.open(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if src.desc != "sample: scenarios" || !strings.Contains(src.banner, "trailscope PATH") || !strings.Contains(src.banner, "--lookup") {
		t.Errorf("no PATH opened %q with banner %q", src.desc, src.banner)
	}
	n := 0
	for b := range src.start(context.Background()) {
		n += len(b.Records)
	}
	if n < 20_000 {
		t.Errorf("the sample streamed %d records", n)
	}

	f.sample = "invictus"
	if src, err = f.open(nil, nil); err != nil || src.desc != "sample: invictus" {
		t.Errorf("--sample invictus: %q, %v", src.desc, err)
	}
	if _, err := f.open([]string{"x.json"}, nil); err == nil {
		t.Error("--sample with PATHs: no error")
	}
	f.sample = "nope"
	if _, err := f.open(nil, nil); err == nil {
		t.Error("--sample nope: no error")
	}
}

func TestRootAbout(t *testing.T) {
	out, err := runCmd(t, "--sample", "invictus", "--about")
	if err != nil || !strings.Contains(out, "MIT License") {
		t.Fatalf("--sample invictus --about: %v\n%s", err, out)
	}
}
