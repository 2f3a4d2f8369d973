package verify_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/source/synth/signing"
	"github.com/trailscope/trailscope/source/synth/world"
	"github.com/trailscope/trailscope/source/verify"
)

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
)

const fingerprint = "f00dfeedf00dfeedf00dfeedf00dfeed"

// signed is a synthetic archive signed by a key the test generated.
type signed struct {
	dir     string
	digests signing.Digests
	keys    integrity.Keyring
}

func newSigned(t *testing.T, backfill int) *signed {
	t.Helper()
	return newSignedWith(t, world.Options{Events: 400, Files: 30, Days: 1, Accounts: 1, Gzip: true, Seed: 7}, backfill)
}

// newSignedWith signs an archive that world generates with opt.
func newSignedWith(t *testing.T, opt world.Options, backfill int) *signed {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		key = k
	})
	dir := t.TempDir()
	if _, err := world.Generate(opt, dir); err != nil {
		t.Fatal(err)
	}
	ds, err := signing.WriteDigests(dir, signing.DigestOptions{Key: key, Fingerprint: fingerprint, Backfill: backfill})
	if err != nil {
		t.Fatal(err)
	}
	keys := integrity.Keyring{}
	keys.Add(integrity.PublicKey{Fingerprint: fingerprint, Value: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	return &signed{dir: dir, digests: ds, keys: keys}
}

// signatures are every digest's own signature, as saved from S3 metadata.
func (s *signed) signatures() map[string]integrity.Signature {
	m := map[string]integrity.Signature{}
	for k, sig := range s.digests.Signatures {
		m[integrity.SignatureKey(k)] = integrity.Signature{Hex: sig, Source: "saved"}
	}
	return m
}

func (s *signed) files(t *testing.T, pattern string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(d.Name(), pattern) {
			out = append(out, p)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func run(t *testing.T, a verify.Archive, opt verify.Options) verify.Outcome {
	t.Helper()
	out, err := verify.Run(context.Background(), a, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func problems(out verify.Outcome) map[string]integrity.Status {
	m := map[string]integrity.Status{}
	for _, r := range out.Results {
		if r.Status != integrity.Valid {
			m[path.Base(r.File)] = r.Status
		}
	}
	return m
}

func TestIntactArchive(t *testing.T) {
	s := newSigned(t, 4)
	if s.digests.Backfill == 0 || s.digests.Digests < 24 {
		t.Fatalf("synth wrote %+v", s.digests)
	}
	logs := len(s.files(t, "_CloudTrail_"))
	out := run(t, verify.Dir{s.dir}, verify.Options{Keys: s.keys, Signatures: s.signatures()})
	if !out.OK() || len(out.Results) != logs+s.digests.Digests+s.digests.Backfill {
		t.Fatalf("%d results, problems %v", len(out.Results), problems(out))
	}
	if out.Bytes == 0 || out.Other != 0 {
		t.Errorf("bytes %d, other %d", out.Bytes, out.Other)
	}

	// Offline with the key file only: the newest digest of each chain is unverifiable, and so are
	// the log files it lists.
	out = run(t, verify.Dir{s.dir}, verify.Options{Keys: s.keys})
	for _, c := range out.Chains {
		if c.NewestStatus != integrity.Unverifiable {
			t.Errorf("chain %s: newest %s", c.Name, c.NewestStatus)
		}
	}
	if !out.NewestUnsigned() || out.Count(integrity.KindDigest, integrity.Valid) != s.digests.Digests+s.digests.Backfill-len(out.Chains) {
		t.Errorf("digests valid: %d of %d, %d chains", out.Count(integrity.KindDigest, integrity.Valid), s.digests.Digests+s.digests.Backfill, len(out.Chains))
	}
}

// rewrite replaces a gzipped log file's content.
func rewrite(t *testing.T, file string, edit func([]byte) []byte) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(edit(data))
	zw.Close()
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// listedBy returns the log files a digest lists (base names).
func listedBy(t *testing.T, digest string) []string {
	t.Helper()
	f, err := os.Open(digest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, _ := gzip.NewReader(f)
	data, _ := io.ReadAll(zr)
	d, err := integrity.ParseDigest(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range d.LogFiles {
		out = append(out, path.Base(l.Object))
	}
	return out
}

// TestOrganizationTrail: an organization trail's digests lie beside each account's logs, under the
// organization's folder (AWSLogs/o-ORG/ACCOUNT/CloudTrail-Digest/...), and verify as a plain trail's.
func TestOrganizationTrail(t *testing.T) {
	s := newSignedWith(t, world.Options{Shape: world.ShapeOrg, Events: 600, Files: 20, Days: 1, Gzip: true, Seed: 3}, 0)
	digests := s.files(t, "_CloudTrail-Digest_")
	if len(digests) == 0 {
		t.Fatal("no digests")
	}
	for _, d := range digests {
		rel, _ := filepath.Rel(s.dir, d)
		if !regexp.MustCompile(`^AWSLogs/o-[a-z0-9]+/[0-9]{12}/CloudTrail-Digest/`).MatchString(filepath.ToSlash(rel)) {
			t.Fatalf("a digest outside the organization's folder: %s", rel)
		}
	}
	out := run(t, verify.Dir{s.dir}, verify.Options{Keys: s.keys, Signatures: s.signatures()})
	if !out.OK() || len(out.Results) != len(s.files(t, "_CloudTrail_"))+len(digests) {
		t.Fatalf("%d results, problems %v", len(out.Results), problems(out))
	}
	log := s.files(t, "_CloudTrail_")[0]
	rewrite(t, log, func([]byte) []byte { return []byte(`{"Records":[]}`) })
	out = run(t, verify.Dir{s.dir}, verify.Options{Keys: s.keys, Signatures: s.signatures()})
	if got := problems(out); len(got) != 1 || got[filepath.Base(log)] != integrity.Modified {
		t.Fatalf("one log changed: %v", got)
	}
}

// TestTamperedArchive is the scenario: one log changed, one log deleted, one digest deleted.
func TestTamperedArchive(t *testing.T) {
	s := newSigned(t, 0)
	east := "CloudTrail-Digest_us-east-1_"
	digests := s.files(t, east)
	var victim string // a digest in the middle of its chain that lists log files
	for _, d := range digests[2 : len(digests)-2] {
		if len(listedBy(t, d)) > 0 {
			victim = d
			break
		}
	}
	orphans := listedBy(t, victim)
	logs := s.files(t, "_CloudTrail_us-west-2_")
	changed, deleted := logs[1], logs[2]
	rewrite(t, changed, func(b []byte) []byte { return bytes.Replace(b, []byte(`"eventName":"`), []byte(`"eventName":"x`), 1) })
	for _, f := range []string{deleted, victim} {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}

	out := run(t, verify.Dir{s.dir}, verify.Options{Keys: s.keys, Signatures: s.signatures()})
	want := map[string]integrity.Status{path.Base(changed): integrity.Modified, path.Base(deleted): integrity.Missing,
		path.Base(victim): integrity.DigestMissing}
	for _, o := range orphans {
		want[o] = integrity.NotCovered
	}
	got := problems(out)
	if !mapsEqual(got, want) {
		t.Errorf("problems:\n got %v\nwant %v", got, want)
	}
	for _, r := range out.Results {
		if path.Base(r.File) == path.Base(deleted) && r.File != filepath.ToSlash(deleted) {
			t.Errorf("the missing log is named where it was: %s", r.File)
		}
		if path.Base(r.File) == path.Base(victim) && r.File != filepath.ToSlash(victim) {
			t.Errorf("the missing digest is named where it was: %s", r.File)
		}
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestDamagedFiles(t *testing.T) {
	s := newSigned(t, 0)
	logs := s.files(t, "_CloudTrail_eu-west-1_")
	data, _ := os.ReadFile(logs[0])
	os.WriteFile(logs[0], data[:len(data)/2], 0o644) // truncated gzip
	digests := s.files(t, "CloudTrail-Digest_eu-west-1_")
	os.WriteFile(digests[3], []byte("not gzip, not JSON"), 0o644)
	stray := filepath.Join(s.dir, "AWSLogs", "notes.txt")
	os.WriteFile(stray, []byte("hello"), 0o644)

	out := run(t, verify.Dir{s.dir}, verify.Options{Keys: s.keys, Signatures: s.signatures()})
	got := problems(out)
	if got[path.Base(logs[0])] != integrity.Modified || got[path.Base(digests[3])] != integrity.DigestInvalid || out.Other != 1 {
		t.Errorf("problems %v, other %d", got, out.Other)
	}
	for _, r := range out.Results {
		if path.Base(r.File) == path.Base(logs[0]) && !strings.Contains(r.Reason, "truncated or damaged") {
			t.Errorf("reason: %s", r.Reason)
		}
	}
}

// fakeS3 is an archive that keeps digests' signatures beside them, as S3 does.
type fakeS3 struct {
	verify.Dir
	sigs map[string]string
}

func (f fakeS3) Signature(_ context.Context, d verify.File) (*integrity.Signature, error) {
	for k, s := range f.sigs {
		if strings.HasSuffix(d.Location, k) {
			return &integrity.Signature{Hex: s, Algorithm: "SHA256withRSA", Source: "S3 metadata"}, nil
		}
	}
	return nil, nil
}

func TestSignedArchiveAndFetchedKeys(t *testing.T) {
	s := newSigned(t, 0)
	var mu sync.Mutex
	var asked []string
	fetch := func(_ context.Context, region string, from, to time.Time) ([]integrity.PublicKey, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, region)
		if from.After(to) || from.Before(world.DefaultStart.Add(-time.Hour)) {
			t.Errorf("asked for %s from %v to %v", region, from, to)
		}
		return s.keys.Keys(), nil
	}
	out := run(t, fakeS3{verify.Dir{s.dir}, s.digests.Signatures}, verify.Options{Fetch: fetch})
	if !out.OK() {
		t.Errorf("problems %v", problems(out))
	}
	if len(asked) != len(out.Chains) || len(out.Fetched) != len(asked) || out.Fetched[0].Region == "" {
		t.Errorf("asked %v for %d chains; fetched %d", asked, len(out.Chains), len(out.Fetched))
	}

	// A failure to fetch is an error, not a verdict.
	_, err := verify.Run(context.Background(), verify.Dir{s.dir}, verify.Options{Fetch: func(context.Context, string, time.Time, time.Time) ([]integrity.PublicKey, error) {
		return nil, errors.New("no credentials")
	}})
	if err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("fetch failure: %v", err)
	}
}

func TestNothingToVerify(t *testing.T) {
	dir := t.TempDir()
	if _, err := verify.Run(context.Background(), verify.Dir{dir}, verify.Options{}); !errors.Is(err, verify.ErrNoDigests) {
		t.Errorf("empty folder: %v", err)
	}
	if _, err := verify.Run(context.Background(), verify.Dir{filepath.Join(dir, "nope")}, verify.Options{}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing path: %v", err)
	}
}

func TestNamedFiles(t *testing.T) {
	s := newSigned(t, 0)
	digests := s.files(t, "CloudTrail-Digest_us-east-1_")
	logs := s.files(t, "_CloudTrail_us-east-1_")
	other := filepath.Join(t.TempDir(), "events.json")
	os.WriteFile(other, []byte(`{"Records":[]}`), 0o644)
	// The digests and log files of one region named one by one, and a file named on the command
	// line that is no CloudTrail delivery: it is read as a log file, which no digest lists.
	out := run(t, verify.Dir(slices.Concat(digests, logs, []string{other})), verify.Options{Keys: s.keys, Signatures: s.signatures()})
	got := problems(out)
	if len(got) != 1 || got["events.json"] != integrity.NotCovered {
		t.Errorf("problems %v", got)
	}
}
