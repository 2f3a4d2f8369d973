package integrity_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/integrity"
)

const (
	V  = integrity.Valid
	U  = integrity.Unverifiable
	DI = integrity.DigestInvalid
	DM = integrity.DigestMissing
	MO = integrity.Modified
	MI = integrity.Missing
	NC = integrity.NotCovered
)

// unverifiedNewest is what an intact chain looks like offline: everything valid but the newest
// digest and the log files it lists.
func unverifiedNewest(a *archive) map[string]integrity.Status {
	last := len(a.digests) - 1
	m := map[string]integrity.Status{base(a.digests[last].Location): U}
	for _, k := range a.listed[last] {
		m[base(k)] = U
	}
	return m
}

func TestIntactChain(t *testing.T) {
	a := newArchive(t, 4, 3, 0, 2, 3) // hour 1 has no log files: an empty digest
	files := 4 + 8

	r := integrity.Check(a.input(false))
	expect(t, r, files, unverifiedNewest(a))
	if r.OK() || !r.NewestUnsigned() {
		t.Error("offline, the newest digest cannot be verified: the report must say so")
	}
	if got := result(t, r, base(a.digests[2].Location)).Digest; got != a.digests[3].Location {
		t.Errorf("digest 2 is vouched for by %q, want the next digest", got)
	}
	if !strings.Contains(reason(r, base(a.digests[3].Location)), "x-amz-meta-signature") {
		t.Errorf("the newest digest's reason should say where its signature is: %s", reason(r, base(a.digests[3].Location)))
	}

	r = integrity.Check(a.input(true))
	expect(t, r, files, nil)
	if !r.OK() || r.NewestUnsigned() {
		t.Error("with the newest signature given, everything is valid")
	}
	if len(r.Chains) != 1 || r.Chains[0].Digests != 4 || r.Chains[0].Name != "111122223333/us-east-1/main_trail" || r.Chains[0].NewestStatus != V {
		t.Errorf("chains: %+v", r.Chains)
	}
	if res := result(t, r, base(a.logs[0].Location)); res.Digest != a.digests[0].Location || res.Chain != r.Chains[0].Name {
		t.Errorf("a log file names the digest that vouches for it: %+v", res)
	}
}

func TestModifiedAndMissingLogs(t *testing.T) {
	a := newArchive(t, 3)
	changed, gone := a.logs[1], a.logs[4]
	a.logs[1].SHA256 = sha256.Sum256([]byte("altered"))
	a.logs = slices.Delete(a.logs, 4, 5)

	r := integrity.Check(a.input(true))
	expect(t, r, 3+9, map[string]integrity.Status{base(changed.Location): MO, base(gone.Location): MI})
	if res := result(t, r, base(gone.Location)); res.File != gone.Location || res.Digest != a.digests[1].Location {
		t.Errorf("a missing file is named where it would be, beside its digest: %+v", res)
	}
	if !strings.Contains(reason(r, base(changed.Location)), "its digest says") {
		t.Errorf("modified: %s", reason(r, base(changed.Location)))
	}
}

func TestNotCovered(t *testing.T) {
	a := newArchive(t, 3)
	stray := integrity.LogFile{Location: "/case/" + logKey(1, 7), SHA256: sha256.Sum256([]byte("x"))}
	late := integrity.LogFile{Location: "/case/" + logKey(5, 0), SHA256: sha256.Sum256([]byte("y"))}
	other := integrity.LogFile{Location: "/elsewhere/999988887777_CloudTrail_eu-west-1_20240501T0105Z_abcdefabcdefabcd.json.gz"}
	insight := integrity.LogFile{Location: "/case/111122223333_CloudTrail-Insight_us-east-1_20240501T0105Z_abcdefabcdefabcd.json.gz"}
	a.logs = append(a.logs, stray, late, other, insight)

	r := integrity.Check(a.input(true))
	expect(t, r, 3+9+3, map[string]integrity.Status{base(stray.Location): NC, base(late.Location): NC, base(other.Location): NC})
	for file, want := range map[string]string{
		stray.Location: "CloudTrail did not deliver it", late.Location: "after the newest digest", other.Location: "none of account 999988887777",
	} {
		if got := reason(r, base(file)); !strings.Contains(got, want) {
			t.Errorf("%s: reason %q lacks %q", base(file), got, want)
		}
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "CloudTrail-Insight") {
		t.Errorf("an Insight file no digest lists is a note, not a problem: %q", r.Notes)
	}
}

// TestPendingLogs: a log file delivered after the newest digest, less than DigestDue before the
// check, is left out with a note (its digest is not due); an older one, or a stray one in the
// middle of the chain, is not covered.
func TestPendingLogs(t *testing.T) {
	a := newArchive(t, 3)
	recent := integrity.LogFile{Location: "/case/" + logKey(3, 1), SHA256: sha256.Sum256([]byte("x"))} // 03:15, the newest digest ends 03:00
	stray := integrity.LogFile{Location: "/case/" + logKey(1, 7), SHA256: sha256.Sum256([]byte("y"))}
	a.logs = append(a.logs, recent, stray)
	in := a.input(true)
	in.Now = day.Add(3*time.Hour + 30*time.Minute)
	r := integrity.Check(in)
	expect(t, r, 3+9+1, map[string]integrity.Status{base(stray.Location): NC})
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "1 log files delivered in the last") {
		t.Errorf("notes %q", r.Notes)
	}
	in.Now = day.Add(3*time.Hour + 15*time.Minute + integrity.DigestDue + time.Minute)
	expect(t, integrity.Check(in), 3+9+2, map[string]integrity.Status{base(stray.Location): NC, base(recent.Location): NC})
}

func TestDigestMissing(t *testing.T) {
	a := newArchive(t, 5)
	gone := a.digests[2]
	in := a.input(true)
	in.Digests = slices.Delete(slices.Clone(in.Digests), 2, 3)

	want := map[string]integrity.Status{base(gone.Location): DM}
	for _, k := range a.listed[2] {
		want[base(k)] = NC // only the deleted digest listed them
	}
	// The digest before the gap lost its signature with the deleted digest: offline it cannot be
	// verified, nor can the log files it lists.
	want[base(a.digests[1].Location)] = U
	for _, k := range a.listed[1] {
		want[base(k)] = U
	}
	r := integrity.Check(in)
	expect(t, r, 5+15, want)
	if res := result(t, r, base(gone.Location)); res.File != gone.Location || res.Digest != a.digests[3].Location {
		t.Errorf("the missing digest is named where it would be, by the digest after it: %+v", res)
	}
	if got := reason(r, base(a.listed[2][0])); !strings.Contains(got, "is missing") || !strings.Contains(got, base(gone.Location)) {
		t.Errorf("a log of the missing digest says which digest would list it: %s", got)
	}
	if got := reason(r, base(a.digests[1].Location)); !strings.Contains(got, "after it, which is missing") {
		t.Errorf("the digest before the gap: %s", got)
	}

	// With every digest's signature saved (S3 metadata kept with the copy), the digest before the
	// gap is verified too.
	for i, d := range a.digests {
		in.Signatures[integrity.SignatureKey(d.Digest.Object)] = integrity.Signature{Hex: a.own[i], Source: "saved metadata"}
	}
	want = map[string]integrity.Status{base(gone.Location): DM}
	for _, k := range a.listed[2] {
		want[base(k)] = NC
	}
	expect(t, integrity.Check(in), 5+15, want)
}

func TestChainStartsBeforeTheFiles(t *testing.T) {
	a := newArchive(t, 4)
	in := a.input(true)
	in.Digests = in.Digests[1:]
	in.Logs = in.Logs[3:]
	r := integrity.Check(in)
	expect(t, r, 3+9, nil)
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "is not among the files given") {
		t.Errorf("the oldest digest's predecessor is outside what was given: a note, not a gap: %q", r.Notes)
	}
}

func TestDigestAltered(t *testing.T) {
	a := newArchive(t, 4)
	// Someone rewrites digest 1 to vouch for an altered log file, without CloudTrail's key.
	m := a.content(1)
	files := m["logFiles"].([]any)
	forged := sha256.Sum256([]byte("forged"))
	files[0].(map[string]any)["hashValue"] = strings.Repeat("ab", 32)
	a.set(1, m, false)
	a.logs[3].SHA256 = forged

	r := integrity.Check(a.input(true))
	want := map[string]integrity.Status{base(a.digests[1].Location): DI, base(a.logs[3].Location): MO,
		base(a.logs[4].Location): U, base(a.logs[5].Location): U}
	expect(t, r, 4+12, want)
	if got := reason(r, base(a.logs[4].Location)); !strings.Contains(got, "which is invalid") {
		t.Errorf("a log file listed by an invalid digest: %s", got)
	}
}

func TestPreviousHashWrong(t *testing.T) {
	// The newest digest (no signature offline) records a wrong hash for the digest before it, whose
	// signature verifies: the newest is the altered one.
	a := newArchive(t, 3)
	m := a.content(2)
	m["previousDigestHashValue"] = strings.Repeat("0", 64)
	a.set(2, m, false)
	r := integrity.Check(a.input(false))
	want := unverifiedNewest(a)
	want[base(a.digests[2].Location)] = DI
	expect(t, r, 3+9, want)
	if got := reason(r, base(a.digests[2].Location)); !strings.Contains(got, "previousDigestHashValue") {
		t.Errorf("reason: %s", got)
	}

	// The same, signed: the signature verifies, the link does not.
	a.set(2, m, true)
	r = integrity.Check(a.input(true))
	expect(t, r, 3+9, map[string]integrity.Status{base(a.digests[2].Location): DI,
		base(a.logs[6].Location): U, base(a.logs[7].Location): U, base(a.logs[8].Location): U})
}

func TestNoPublicKey(t *testing.T) {
	a := newArchive(t, 2)
	in := a.input(true)
	in.Keys = nil
	r := integrity.Check(in)
	want := map[string]integrity.Status{}
	for _, res := range r.Results {
		want[base(res.File)] = U
	}
	expect(t, r, 2+6, want)
	if got := reason(r, base(a.digests[0].Location)); !strings.Contains(got, "no public key with fingerprint "+fingerprint) {
		t.Errorf("reason: %s", got)
	}
}

func TestWrongKey(t *testing.T) {
	a := newArchive(t, 2)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	in := a.input(true)
	in.Keys = integrity.Keyring{fingerprint: {Fingerprint: fingerprint, Value: x509.MarshalPKCS1PublicKey(&other.PublicKey)}}
	r := integrity.Check(in)
	for _, d := range a.digests {
		if s := statuses(r)[base(d.Location)]; s != DI {
			t.Errorf("%s signed by another key: %s", base(d.Location), s)
		}
	}
}

func TestBackfillChain(t *testing.T) {
	a := newArchive(t, 3)
	// Two log files of hour 1 came late: a backfill digest lists them, in a chain of its own.
	late := []string{logKey(1, 5), logKey(1, 6)}
	for i, k := range late {
		a.logs = append(a.logs, integrity.LogFile{Location: "/case/" + k, SHA256: sha256.Sum256([]byte{byte(i)})})
	}
	none := -1
	a.add(1, late, true, &none)
	r := integrity.Check(a.input(true))
	want := map[string]integrity.Status{base(a.digests[2].Location): U}
	for _, k := range a.listed[2] {
		want[base(k)] = U
	}
	// The backfill digest is the newest of its chain and is given its signature; the regular
	// chain's newest is not.
	expect(t, r, 4+11, want)
	if len(r.Chains) != 2 || !strings.HasSuffix(r.Chains[1].Name, " backfill") {
		t.Errorf("backfill digests chain apart: %+v", r.Chains)
	}
}

func TestRenamedAndUnreadableDigests(t *testing.T) {
	a := newArchive(t, 3)
	in := a.input(true)
	in.Digests = slices.Clone(in.Digests)
	in.Digests[0].Location = "/case/renamed.json.gz"
	in.Digests[1] = integrity.DigestFile{Location: in.Digests[1].Location, Err: errors.New("gzip: unexpected EOF")}
	r := integrity.Check(in)
	want := map[string]integrity.Status{"renamed.json.gz": DI, base(a.digests[1].Location): DI}
	for i := range 6 {
		want[base(a.logs[i].Location)] = U // digest 0 is invalid; digest 1 cannot be read, so its log files are not covered
	}
	for i := 3; i < 6; i++ {
		want[base(a.logs[i].Location)] = NC
	}
	expect(t, r, 3+9, want)
	if strings.Contains(strings.Join(r.Notes, " "), "not among") {
		t.Errorf("an unreadable digest is not a missing one: %q", r.Notes)
	}
}

func TestRestartedChain(t *testing.T) {
	a := newArchive(t, 2)
	none := -1
	a.add(5, nil, false, &none) // logging restarted: a new starting digest
	r := integrity.Check(a.input(true))
	want := map[string]integrity.Status{base(a.digests[1].Location): U}
	for _, k := range a.listed[1] {
		want[base(k)] = U
	}
	expect(t, r, 3+6, want)
	if !strings.Contains(reason(r, base(a.digests[1].Location)), "before its chain restarts") || !r.NewestUnsigned() {
		t.Errorf("the last digest before a restart: %s", reason(r, base(a.digests[1].Location)))
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "no digests between") {
		t.Errorf("notes: %q", r.Notes)
	}
}

func TestUnreadableAndCopiedLogs(t *testing.T) {
	a := newArchive(t, 2)
	a.logs[0].Err = errors.New("gzip: unexpected EOF")
	copyOf := a.logs[2]
	copyOf.Location = "/backup/" + base(copyOf.Location[:len(copyOf.Location)-3]) // a decompressed copy
	a.logs = append(a.logs, copyOf)
	r := integrity.Check(a.input(true))
	if len(r.Results) != 2+7 {
		t.Fatalf("%d results", len(r.Results))
	}
	for _, res := range r.Results {
		want := V
		if res.File == a.logs[0].Location {
			want = MO
		}
		if res.Status != want {
			t.Errorf("%s: %s (%s)", res.File, res.Status, res.Reason)
		}
	}
}
