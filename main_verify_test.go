package main

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/source/lookup/fakect"
)

// verifyLine is one line of `trailscope verify --format json`.
type verifyLine struct {
	File, Kind, Status, Digest, Reason string
}

// runVerify runs `trailscope verify --format json` and returns its lines, stderr and exit code.
func runVerify(t *testing.T, args ...string) ([]verifyLine, string, int) {
	t.Helper()
	out, errOut, code := runRoot(t, "", append([]string{"verify", "--format", "json"}, args...)...)
	var lines []verifyLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var v verifyLine
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("not JSON: %v: %s", err, l)
		}
		lines = append(lines, v)
	}
	return lines, errOut, code
}

// signedArchive writes a signed synthetic archive with `trailscope synth --digests`.
func signedArchive(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, errOut, code := runRoot(t, "", "synth", "--shape", "simple", "--events", "2000", "--files", "40", "--days", "1", "--seed", "3", "--digests", "--backfill", "11", dir); code != 0 {
		t.Fatalf("synth: exit %d: %s %s", code, out, errOut)
	}
	return dir
}

func find(t *testing.T, dir, pattern string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), pattern) {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func gunzip(t *testing.T, file string) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// listed returns the base names of the log files a digest lists.
func listed(t *testing.T, digest string) []string {
	t.Helper()
	d, err := integrity.ParseDigest(gunzip(t, digest))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range d.LogFiles {
		out = append(out, path.Base(l.Object))
	}
	return out
}

// TestVerifyTamperedArchive is the scenario: a signed archive with one log changed, one log
// deleted and one digest deleted. Verified offline, exactly those are named (and the log files only
// the deleted digest listed, as not covered), every other file is valid, and the exit code is 1.
func TestVerifyTamperedArchive(t *testing.T) {
	dir := signedArchive(t)
	keys, sigs := filepath.Join(dir, "public-keys.json"), filepath.Join(dir, "digest-signatures.json")

	// Untouched, with the saved signatures: intact, exit 0.
	lines, errOut, code := runVerify(t, "--offline", "--public-keys", keys, "--signatures", sigs, dir)
	if code != 0 || len(lines) == 0 || !strings.Contains(errOut, "every file is intact") {
		t.Fatalf("intact archive: exit %d, %d lines\n%s", code, len(lines), errOut)
	}
	files := len(lines)

	deleted, want := tamper(t, dir)
	lines, errOut, code = runVerify(t, "--offline", "--public-keys", keys, "--signatures", sigs, dir)
	if code != 1 || len(lines) != files { // the deleted log and digest are still named, where they were
		t.Errorf("exit %d, %d lines (%d before)\n%s", code, len(lines), files, errOut)
	}
	problems := problemsOf(lines)
	for _, l := range lines {
		if l.Kind == "log" && l.Status == "valid" && !strings.Contains(l.Digest, "CloudTrail-Digest") {
			t.Errorf("a valid log file names the digest that vouches for it: %+v", l)
		}
		if path.Base(l.File) == path.Base(deleted) && l.File != deleted {
			t.Errorf("the deleted log is named where it was: %s", l.File)
		}
	}
	if !maps.Equal(problems, want) {
		t.Errorf("problems:\n got %v\nwant %v", problems, want)
	}

	// With the key file alone, the newest digest of each chain has no signature, nor has the
	// digest before the deleted one: those and the log files they list are unverifiable; the rest
	// is as before.
	lines, errOut, code = runVerify(t, "--offline", "--public-keys", keys, dir)
	if code != 1 || !strings.Contains(errOut, "x-amz-meta-signature") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
	unverifiable := 0
	for _, l := range lines {
		s, ok := want[path.Base(l.File)]
		switch {
		case ok && l.Status != s:
			t.Errorf("%s: %s, want %s", path.Base(l.File), l.Status, s)
		case !ok && l.Status == "unverifiable":
			unverifiable++
			if !strings.Contains(l.Reason, "newest") && !strings.Contains(l.Reason, "after it, which is missing") && !strings.Contains(l.Reason, "could not be verified") {
				t.Errorf("unverifiable for another reason: %+v", l)
			}
		case !ok && l.Status != "valid":
			t.Errorf("%s: %s", path.Base(l.File), l.Status)
		}
	}
	if unverifiable == 0 {
		t.Error("offline with no signatures, some newest digests must be unverifiable")
	}

	// --problems lists only those; the table says the same.
	out, _, code := runRoot(t, "", "verify", "--offline", "--public-keys", keys, "--signatures", sigs, "--problems", dir)
	rows := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(rows) != 1+len(want) || !strings.HasPrefix(rows[0], "STATUS") || !strings.HasPrefix(rows[1], "digest-missing") {
		t.Errorf("--problems table (exit %d):\n%s", code, out)
	}
}

// problemsOf returns the status of every file that is not valid, by base name.
func problemsOf(lines []verifyLine) map[string]string {
	out := map[string]string{}
	for _, l := range lines {
		if l.Status != "valid" {
			out[path.Base(l.File)] = l.Status
		}
	}
	return out
}

// tamper alters a signed archive as the scenario does: one log file changed, one deleted,
// and one digest in the middle of its chain deleted. It returns the deleted log's path and the
// status every file should have that is not valid, by base name (the log files only the deleted
// digest listed are not covered).
func tamper(t *testing.T, dir string) (string, map[string]string) {
	t.Helper()
	var victim string // a digest in the middle of its chain (one account's, one region's) that lists log files
	digests := find(t, dir, "CloudTrail-Digest_us-east-1_")
	account := path.Base(digests[0])[:12]
	digests = slices.DeleteFunc(digests, func(d string) bool { return !strings.HasPrefix(path.Base(d), account) })
	for _, d := range digests[2 : len(digests)-2] {
		if len(listed(t, d)) > 0 {
			victim = d
			break
		}
	}
	orphans := listed(t, victim)
	logs := find(t, dir, "_CloudTrail_us-west-2_")
	changed, deleted := logs[1], logs[2]
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(bytes.Replace(gunzip(t, changed), []byte(`"eventName":"`), []byte(`"eventName":"Not`), 1))
	zw.Close()
	os.WriteFile(changed, z.Bytes(), 0o644)
	os.Remove(deleted)
	os.Remove(victim)
	want := map[string]string{path.Base(changed): "modified", path.Base(deleted): "missing", path.Base(victim): "digest-missing"}
	for _, o := range orphans {
		want[o] = "not-covered"
	}
	return deleted, want
}

func TestVerifyFetchesKeys(t *testing.T) {
	dir := signedArchive(t)
	b, err := os.ReadFile(filepath.Join(dir, "public-keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := integrity.ParseKeyList(b)
	if err != nil {
		t.Fatal(err)
	}
	srv := fakect.New(fakect.Config{AccessKey: lookupTestKey, SecretKey: lookupTestSecret, Denied: []string{"ap-northeast-1"}})
	t.Cleanup(srv.Close)
	for _, region := range []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-east-2"} {
		srv.AddPublicKey(region, fakect.PublicKey{Fingerprint: keys[0].Fingerprint, Value: keys[0].Value, Start: keys[0].Start, End: keys[0].End})
	}
	awsTestEnv(t, srv.URL)

	// A region whose keys cannot be fetched is an error that says what to do.
	_, errOut, code := runVerify(t, dir)
	if code != 2 || !strings.Contains(errOut, "not allowed to call cloudtrail:ListPublicKeys") || !strings.Contains(errOut, "--offline") {
		t.Fatalf("denied: exit %d: %s", code, errOut)
	}

	// Without that region, the keys are fetched and saved; a later offline run with the saved
	// file says the same.
	var paths []string
	for _, p := range find(t, dir, ".json.gz") {
		if !strings.Contains(p, "ap-northeast-1") {
			paths = append(paths, p)
		}
	}
	saved := filepath.Join(t.TempDir(), "keys.json")
	online, errOut, code := runVerify(t, append([]string{"--save-public-keys", saved}, paths...)...)
	if code != 1 || !strings.Contains(errOut, "1 public key saved") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	offline, _, _ := runVerify(t, append([]string{"--offline", "--public-keys", saved}, paths...)...)
	if !slices.Equal(online, offline) {
		t.Error("the saved keys do not give the same verdicts")
	}
	for _, l := range online {
		if l.Status != "valid" && l.Status != "unverifiable" || l.Status == "unverifiable" && !strings.Contains(l.Reason, "newest") && !strings.Contains(l.Reason, "could not be verified") {
			t.Errorf("%+v", l)
		}
	}
	if srv.Calls("ListPublicKeys", "") == 0 {
		t.Error("no ListPublicKeys call")
	}
}

func TestVerifyErrors(t *testing.T) {
	dir := signedArchive(t)
	keys := filepath.Join(dir, "public-keys.json")
	empty := t.TempDir()
	bad := filepath.Join(empty, "bad.json")
	os.WriteFile(bad, []byte(`{"PublicKeyList":[{"Value":"AAAA","Fingerprint":"x"}]}`), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "csv", dir}, "unknown format"},
		{[]string{filepath.Join(empty, "nope")}, "nope"},
		{[]string{"--offline", empty}, "no digest files"},
		{[]string{"--signature", "nohex", dir}, "DIGEST=HEX"},
		{[]string{"--signature", "x.json.gz=zz", dir}, "DIGEST=HEX"},
		{[]string{"--public-keys", bad, dir}, "bad.json"},
		{[]string{"--public-keys", filepath.Join(empty, "none.json"), dir}, "none.json"},
		{[]string{"--offline", "--public-keys", keys, "--signatures", keys, dir}, "not a signature file"},
		{[]string{}, "requires at least 1 arg"},
	} {
		_, errOut, code := runRoot(t, "", append([]string{"verify"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, code, errOut)
		}
	}
}

func TestVerifySanitises(t *testing.T) {
	dir := signedArchive(t)
	evil := filepath.Join(t.TempDir(), "evil\x1b[2J.json")
	os.WriteFile(evil, []byte(`{"Records":[]}`), 0o644)
	out, errOut, code := runRoot(t, "", "verify", "--offline", "--problems", "--public-keys", filepath.Join(dir, "public-keys.json"), dir, evil)
	if code != 1 || strings.Contains(out+errOut, "\x1b") || !strings.Contains(out, `evil\x1b[2J.json`) {
		t.Errorf("exit %d:\n%q", code, out)
	}
	out, _, _ = runRoot(t, "", "verify", "--offline", "--format", "json", "--public-keys", filepath.Join(dir, "public-keys.json"), evil, dir)
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `evil\u001b[2J.json`) {
		t.Errorf("json: %q", out)
	}
}
