package integrity_test

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/integrity"
)

// sharedData is the project's public sample data, beside the repository; tests that need it skip
// without it.
func sharedData(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", dir)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no %s (the shared sample data is beside the repository in CI): %v", p, err)
	}
	return p
}

func TestRealDigestSamples(t *testing.T) {
	dir := sharedData(t, "digest_files")
	read := func(name string) (integrity.Digest, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return integrity.ParseDigest(b)
	}

	// A real digest, with CloudTrail's escaped slashes; the trail's home region differs from the
	// digest's region.
	d, err := read("real_digest_llm-guard-issue147_ap-northeast-1.json")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Object, "AWSLogs/327878933619/CloudTrail-Digest/ap-northeast-1/2023/10/15/") || d.Fingerprint != "be2f0b997552f44942837300ba1aba9d" {
		t.Errorf("object %q, fingerprint %q", d.Object, d.Fingerprint)
	}
	n := d.Name()
	if n.Account != "327878933619" || n.Region != "ap-northeast-1" || n.Trail != "llm-guard-trail" || n.HomeRegion != "us-west-2" ||
		!n.End.Equal(time.Date(2023, 10, 15, 23, 4, 4, 0, time.UTC)) || n.Backfill {
		t.Errorf("name: %+v", n)
	}
	if n.Chain() != "327878933619/ap-northeast-1/llm-guard-trail (home us-west-2)" {
		t.Errorf("chain %q", n.Chain())
	}
	if len(d.LogFiles) == 0 || d.PreviousSignature == nil || len(*d.PreviousSignature) != 512 || d.PreviousHash == nil {
		t.Errorf("log files %d, previous %v", len(d.LogFiles), d.PreviousSignature)
	}
	for _, l := range d.LogFiles {
		ln, ok := integrity.ParseLogName(l.Object)
		if !ok || ln.Account != "327878933619" || ln.Region != "ap-northeast-1" || len(l.Hash) != 64 || l.HashAlgorithm != "SHA-256" {
			t.Errorf("log entry %+v (%v)", l, ok)
		}
	}
	want := "2023-10-15T23:04:04Z\nllm-guard-trail/" + d.Object + "\n" + strings.Repeat("00", 32) + "\n" + *d.PreviousSignature
	if got := integrity.StringToSign(d, [32]byte{}); got != want {
		t.Errorf("string to sign:\n%s\nwant\n%s", got, want)
	}

	// AWS's samples: one log file; an "empty" digest with null event times and no log files.
	d, err = read("aws_doc_sample_digest_1.json")
	if err != nil || len(d.LogFiles) != 1 || d.Name().Trail != "your-trail-name" {
		t.Errorf("sample 1: %v, %+v", err, d.Name())
	}
	d, err = read("aws_doc_sample_digest_2.json")
	if err != nil || len(d.LogFiles) != 0 || d.NewestEventTime != nil || d.PreviousHash == nil {
		t.Errorf("sample 2 (empty): %v, %+v", err, d)
	}

	// Hand-edited: a 63-character previous hash parses, and can never match.
	d, err = read("elastic_fixture_digest_modified.json")
	if err != nil || d.PreviousHash == nil || len(*d.PreviousHash) != 63 {
		t.Errorf("elastic fixture: %v", err)
	}

	// A Lake query's sign file is no digest.
	if _, err := read("aws_doc_sample_lake_result_sign.json"); !errors.Is(err, integrity.ErrNotDigest) {
		t.Errorf("lake sign file: %v", err)
	}
}

func TestParseDigestErrors(t *testing.T) {
	for _, in := range []string{`{`, `[]`, `{"digestS3Object":"x"}`,
		`{"digestEndTime":"2024-01-01T00:00:00Z","digestStartTime":"2024-01-01T00:00:00Z","digestS3Bucket":"b","digestS3Object":"not-a-digest.json.gz","digestPublicKeyFingerprint":"f"}`,
		`{"digestEndTime":"yesterday","digestStartTime":"2024-01-01T00:00:00Z","digestS3Bucket":"b","digestS3Object":"111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T000000Z.json.gz","digestPublicKeyFingerprint":"f"}`,
	} {
		if _, err := integrity.ParseDigest([]byte(in)); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

func TestNames(t *testing.T) {
	n, ok := integrity.ParseDigestName("p/AWSLogs/o-abc/111122223333/CloudTrail-Digest/eu-west-1/2024/05/01/111122223333_CloudTrail-Digest_eu-west-1_org_trail_us-east-1_20240501T010203Z_backfill.json.gz")
	if !ok || n.Trail != "org_trail" || n.Region != "eu-west-1" || n.HomeRegion != "us-east-1" || !n.Backfill || n.End.Hour() != 1 {
		t.Errorf("%+v %v", n, ok)
	}
	if _, ok := integrity.ParseDigestName("111122223333_CloudTrail-Digest_eu-west-1_t_us-east-1_20240501T010203Z.json"); !ok {
		t.Error("a decompressed copy keeps its name")
	}
	for _, bad := range []string{"x.json.gz", "1111_CloudTrail-Digest_a_b_c_20240501T010203Z.json.gz", "111122223333_CloudTrail-Digest_eu-west-1_20240501T010203Z.json.gz"} {
		if _, ok := integrity.ParseDigestName(bad); ok {
			t.Errorf("%s parsed", bad)
		}
	}
	l, ok := integrity.ParseLogName("AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/111122223333_CloudTrail_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz")
	if !ok || l.Region != "us-east-2" || !l.Time.Equal(time.Date(2015, 8, 17, 14, 45, 0, 0, time.UTC)) || l.Insight {
		t.Errorf("%+v %v", l, ok)
	}
	if l, ok := integrity.ParseLogName("111122223333_CloudTrail-Insight_us-east-2_20150817T1445Z_9nYN7gp2eWAJHIfT.json.gz"); !ok || !l.Insight {
		t.Errorf("insight: %+v %v", l, ok)
	}
	if _, ok := integrity.ParseLogName("111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20150817T144500Z.json.gz"); ok {
		t.Error("a digest is no log file")
	}
}

func TestKeyList(t *testing.T) {
	key := signingKey(t)
	der := x509.MarshalPKCS1PublicKey(&key.PublicKey)
	b64 := base64.StdEncoding.EncodeToString(der)
	// As the AWS CLI prints it: epoch seconds (v1) or ISO 8601 (v2).
	in := `{"PublicKeyList":[{"ValidityStartTime":1453076702.0,"ValidityEndTime":1455668702.0,"Value":"` + b64 + `","Fingerprint":"a1"},
		{"ValidityStartTime":"2016-01-18T00:25:02+00:00","ValidityEndTime":"2016-02-17T00:25:02Z","Value":"` + b64 + `","Fingerprint":"a2"}]}`
	keys, err := integrity.ParseKeyList([]byte(in))
	if err != nil || len(keys) != 2 {
		t.Fatalf("%v %d", err, len(keys))
	}
	for _, k := range keys {
		if !k.Start.Equal(time.Unix(1453076702, 0)) || k.End.Year() != 2016 {
			t.Errorf("%s: %v %v", k.Fingerprint, k.Start, k.End)
		}
		if pub, err := k.RSA(); err != nil || pub.N.Cmp(key.N) != 0 {
			t.Errorf("%s: %v", k.Fingerprint, err)
		}
	}
	out, err := integrity.MarshalKeyList(keys)
	if err != nil {
		t.Fatal(err)
	}
	again, err := integrity.ParseKeyList(out)
	if err != nil || len(again) != 2 || again[1].Fingerprint != "a2" || !again[0].Start.Equal(keys[0].Start) {
		t.Errorf("round trip: %v\n%s", err, out)
	}
	for _, bad := range []string{`{}`, `{"PublicKeyList":[{"Value":"AAAA","Fingerprint":"x"}]}`, `{"PublicKeyList":[{"Value":"` + b64 + `"}]}`, `nope`} {
		if _, err := integrity.ParseKeyList([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestSignatureFile(t *testing.T) {
	in := `{"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/d_20240501T010203Z.json.gz":{"signature":"abcd","signature-algorithm":"SHA256withRSA"}}`
	sigs, err := integrity.ParseSignatures([]byte(in), "saved.json")
	if err != nil || sigs["d_20240501T010203Z.json"].Hex != "abcd" || sigs["d_20240501T010203Z.json"].Source != "saved.json" {
		t.Fatalf("%v %+v", err, sigs)
	}
	out, _ := integrity.MarshalSignatures(map[string]integrity.Signature{"k.json.gz": {Hex: "ff", Algorithm: "SHA256withRSA"}})
	if again, err := integrity.ParseSignatures(out, "x"); err != nil || again["k.json"].Hex != "ff" {
		t.Errorf("round trip: %v %s", err, out)
	}
	if _, err := integrity.ParseSignatures([]byte(`{"k":{}}`), "x"); err == nil {
		t.Error("an entry without a signature")
	}
}

func TestSignatureAlgorithm(t *testing.T) {
	a := newArchive(t, 1)
	in := a.input(true)
	for k, s := range in.Signatures {
		s.Algorithm = "SHA1withRSA"
		in.Signatures[k] = s
	}
	r := integrity.Check(in)
	if res := result(t, r, base(a.digests[0].Location)); res.Status != integrity.Unverifiable || !strings.Contains(res.Reason, "SHA1withRSA") {
		t.Errorf("%+v", res)
	}
}
