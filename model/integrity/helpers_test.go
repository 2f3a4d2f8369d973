package integrity_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/integrity"
)

// The tests sign their own chains with a key they generate, writing the digests and the string to
// sign their own way (from the documentation, not from the package), so that the package's
// verification is checked against an independent signer.

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func signingKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

const (
	account     = "111122223333"
	bucket      = "evidence-bucket"
	region      = "us-east-1"
	trail       = "main_trail" // an underscore, as trail names may have
	fingerprint = "0123456789abcdef0123456789abcdef"
	root        = "/case/AWSLogs/" // where the test archive is "on disk"
)

var day = time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)

// archive is a signed chain of digests over log files, in memory.
type archive struct {
	t       *testing.T
	key     *rsa.PrivateKey
	digests []integrity.DigestFile
	own     []string // each digest's own signature, hex
	logs    []integrity.LogFile
	listed  [][]string // the log keys each digest lists
}

// logKey is the S3 key of the log file number i of hour h.
func logKey(h, i int) string {
	t := day.Add(time.Duration(h)*time.Hour + time.Duration(5+10*i)*time.Minute)
	return fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%016d.json.gz", account, region,
		t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), h*100+i)
}

func digestKey(h int, backfill bool) string {
	end := day.Add(time.Duration(h+1)*time.Hour + 31*time.Second)
	suffix := ""
	if backfill {
		suffix = "_backfill"
	}
	return fmt.Sprintf("AWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s%s.json.gz", account, region,
		end.Format("2006/01/02"), account, region, trail, region, end.Format("20060102T150405Z"), suffix)
}

// newArchive builds hours digests; perHour[h] log files are delivered in hour h (default 3).
func newArchive(t *testing.T, hours int, perHour ...int) *archive {
	a := &archive{t: t, key: signingKey(t)}
	for h := range hours {
		n := 3
		if h < len(perHour) {
			n = perHour[h]
		}
		var keys []string
		for i := range n {
			k := logKey(h, i)
			body := fmt.Sprintf(`{"Records":[{"eventID":"%d-%d"}]}`, h, i)
			a.logs = append(a.logs, integrity.LogFile{Location: root[:len(root)-len("AWSLogs/")] + k, SHA256: sha256.Sum256([]byte(body))})
			keys = append(keys, k)
		}
		a.add(h, keys, false, nil)
	}
	return a
}

// add signs and appends a digest for hour h listing keys. prev is the digest it chains to (the
// last one when nil, none when it is the first).
func (a *archive) add(h int, keys []string, backfill bool, prev *int) {
	a.t.Helper()
	p := len(a.digests) - 1
	if prev != nil {
		p = *prev
	}
	start := day.Add(time.Duration(h)*time.Hour + 31*time.Second)
	d := map[string]any{
		"awsAccountId": account, "digestStartTime": start.Format(time.RFC3339), "digestEndTime": start.Add(time.Hour).Format(time.RFC3339),
		"digestS3Bucket": bucket, "digestS3Object": digestKey(h, backfill), "digestPublicKeyFingerprint": fingerprint,
		"digestSignatureAlgorithm": "SHA256withRSA", "newestEventTime": nil, "oldestEventTime": nil,
		"previousDigestS3Bucket": nil, "previousDigestS3Object": nil, "previousDigestHashValue": nil,
		"previousDigestHashAlgorithm": nil, "previousDigestSignature": nil, "logFiles": []any{},
	}
	if p >= 0 {
		pd := a.digests[p]
		d["previousDigestS3Bucket"] = bucket
		d["previousDigestS3Object"] = pd.Digest.Object
		d["previousDigestHashValue"] = hex.EncodeToString(pd.SHA256[:])
		d["previousDigestHashAlgorithm"] = "SHA-256"
		d["previousDigestSignature"] = a.own[p]
	}
	var files []any
	for _, k := range keys {
		var sum [32]byte
		for _, l := range a.logs {
			if strings.HasSuffix(l.Location, k) {
				sum = l.SHA256
			}
		}
		files = append(files, map[string]any{"s3Bucket": bucket, "s3Object": k, "hashValue": hex.EncodeToString(sum[:]), "hashAlgorithm": "SHA-256"})
	}
	if len(files) > 0 {
		d["logFiles"] = files
		d["newestEventTime"] = start.Add(50 * time.Minute).Format(time.RFC3339)
		d["oldestEventTime"] = start.Format(time.RFC3339)
	}
	a.digests = append(a.digests, integrity.DigestFile{})
	a.own = append(a.own, "")
	a.listed = append(a.listed, keys)
	a.set(len(a.digests)-1, d, true)
}

// set writes digest i's content (and signs it when sign).
func (a *archive) set(i int, d map[string]any, sign bool) {
	a.t.Helper()
	raw, err := json.Marshal(d)
	if err != nil {
		a.t.Fatal(err)
	}
	// CloudTrail escapes slashes.
	raw = []byte(strings.ReplaceAll(string(raw), "/", `\/`))
	parsed, err := integrity.ParseDigest(raw)
	if err != nil {
		a.t.Fatalf("the package cannot parse a test digest: %v\n%s", err, raw)
	}
	sum := sha256.Sum256(raw)
	a.digests[i] = integrity.DigestFile{Location: root[:len(root)-len("AWSLogs/")] + d["digestS3Object"].(string), SHA256: sum, Digest: parsed}
	if !sign {
		return
	}
	prev := "null"
	if s, ok := d["previousDigestSignature"].(string); ok {
		prev = s
	}
	toSign := fmt.Sprintf("%s\n%s/%s\n%x\n%s", d["digestEndTime"], d["digestS3Bucket"], d["digestS3Object"], sum, prev)
	h := sha256.Sum256([]byte(toSign))
	sig, err := rsa.SignPKCS1v15(nil, a.key, crypto.SHA256, h[:])
	if err != nil {
		a.t.Fatal(err)
	}
	a.own[i] = hex.EncodeToString(sig)
}

// content returns digest i as a map, to alter.
func (a *archive) content(i int) map[string]any {
	b, _ := json.Marshal(a.digests[i].Digest)
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

func (a *archive) keyring() integrity.Keyring {
	r := integrity.Keyring{}
	r.Add(integrity.PublicKey{Fingerprint: fingerprint, Value: x509.MarshalPKCS1PublicKey(&a.key.PublicKey)})
	return r
}

// input is what a verifier would find, with the newest digest's signature given when withNewest.
func (a *archive) input(withNewest bool) integrity.Input {
	in := integrity.Input{Digests: a.digests, Logs: a.logs, Keys: a.keyring(), Signatures: map[string]integrity.Signature{}}
	if withNewest {
		last := len(a.digests) - 1
		in.Signatures[integrity.SignatureKey(a.digests[last].Digest.Object)] = integrity.Signature{Hex: a.own[last], Source: "test"}
	}
	return in
}

// statuses maps each file (by base name) to its status.
func statuses(r integrity.Report) map[string]integrity.Status {
	m := map[string]integrity.Status{}
	for _, res := range r.Results {
		m[base(res.File)] = res.Status
	}
	return m
}

func base(p string) string { return p[strings.LastIndex(p, "/")+1:] }

// expect checks that every file has status Valid except those listed.
func expect(t *testing.T, r integrity.Report, files int, except map[string]integrity.Status) {
	t.Helper()
	got := statuses(r)
	if len(got) != files || len(r.Results) != files {
		t.Errorf("%d results (%d distinct files), want %d", len(r.Results), len(got), files)
	}
	for f, s := range got {
		want, ok := except[f]
		if !ok {
			want = integrity.Valid
		}
		if s != want {
			t.Errorf("%s: %s, want %s (%s)", f, s, want, reason(r, f))
		}
	}
	for f := range except {
		if _, ok := got[f]; !ok {
			t.Errorf("%s: no result, want %s", f, except[f])
		}
	}
}

func reason(r integrity.Report, file string) string {
	for _, res := range r.Results {
		if base(res.File) == file {
			return res.Reason
		}
	}
	return ""
}

func result(t *testing.T, r integrity.Report, file string) integrity.Result {
	t.Helper()
	for _, res := range r.Results {
		if base(res.File) == file {
			return res
		}
	}
	t.Fatalf("no result for %s", file)
	return integrity.Result{}
}
