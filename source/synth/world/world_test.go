package world

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The archive most tests read: generated once.
var testOpt = Options{Events: 50_000, Files: 30, Seed: 7, Days: 2, Accounts: 3, Gzip: true,
	Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}

type testFile struct {
	rel     string
	size    int64
	records []json.RawMessage
}

type testRecord struct {
	file int
	raw  json.RawMessage
	m    map[string]any
}

var (
	fixtureOnce  sync.Once
	fixtureStats Stats
	fixtureErr   error
	fixtureFiles []testFile
	fixtureRecs  []testRecord
)

func fixture(t testing.TB) (Stats, []testFile, []testRecord) {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "synth-test-")
		if err != nil {
			fixtureErr = err
			return
		}
		defer os.RemoveAll(dir)
		fixtureStats, fixtureErr = Generate(testOpt, dir)
		if fixtureErr != nil {
			return
		}
		fixtureFiles, fixtureErr = readArchive(dir)
		if fixtureErr != nil {
			return
		}
		for fi, f := range fixtureFiles {
			for _, raw := range f.records {
				var m map[string]any
				if err := json.Unmarshal(raw, &m); err != nil {
					fixtureErr = fmt.Errorf("%s: %w", f.rel, err)
					return
				}
				fixtureRecs = append(fixtureRecs, testRecord{file: fi, raw: raw, m: m})
			}
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureStats, fixtureFiles, fixtureRecs
}

// readArchive reads every delivery file under dir, in path order.
func readArchive(dir string) ([]testFile, error) {
	var files []testFile
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		f := testFile{rel: filepath.ToSlash(rel), size: int64(len(data))}
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
		}
		if !bytes.HasPrefix(data, []byte(`{"Records":[`)) || !bytes.HasSuffix(data, []byte("]}")) {
			return fmt.Errorf("%s: not a {\"Records\":[...]} file", rel)
		}
		var doc struct{ Records []json.RawMessage }
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		f.records = doc.Records
		files = append(files, f)
		return nil
	})
	return files, err
}

func str(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		o, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = o[k]
	}
	s, _ := v.(string)
	return s
}

func TestDeterministic(t *testing.T) {
	opt := Options{Events: 12_000, Files: 9, Seed: 42, Days: 1, Gzip: true}
	a, b := t.TempDir(), t.TempDir()
	sa, err := Generate(opt, a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Generate(opt, b)
	if err != nil {
		t.Fatal(err)
	}
	if sa != sb {
		t.Errorf("stats differ: %+v vs %+v", sa, sb)
	}
	// One core or several: the same bytes.
	c := t.TempDir()
	procs := runtime.GOMAXPROCS(1)
	sc, err := Generate(opt, c)
	runtime.GOMAXPROCS(procs)
	if err != nil {
		t.Fatal(err)
	}
	if sc != sa {
		t.Errorf("stats differ on one core: %+v vs %+v", sc, sa)
	}
	fa, fb := listFiles(t, a), listFiles(t, b)
	if strings.Join(fa, "\n") != strings.Join(fb, "\n") {
		t.Fatalf("file names differ:\n%v\n%v", fa, fb)
	}
	for _, rel := range fa {
		x, _ := os.ReadFile(filepath.Join(a, rel))
		y, _ := os.ReadFile(filepath.Join(b, rel))
		z, _ := os.ReadFile(filepath.Join(c, rel))
		if !bytes.Equal(x, y) || !bytes.Equal(x, z) {
			t.Errorf("%s differs between runs", rel)
		}
	}

	// Records streams exactly the records the files hold.
	files, err := readArchive(a)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, f := range files {
		for _, r := range f.records {
			want[string(r)]++
		}
	}
	n := 0
	Records(opt, func(rec []byte) bool {
		n++
		want[string(rec)]--
		return true
	})
	if n != opt.Events {
		t.Errorf("Records yielded %d records, want %d", n, opt.Events)
	}
	for rec, c := range want {
		if c != 0 {
			t.Fatalf("record count off by %d between Generate and Records: %.200s", c, rec)
		}
	}

	// A different seed gives different data.
	var first []byte
	Records(Options{Events: 10, Seed: 43}, func(rec []byte) bool { first = append(first, rec...); return false })
	var other []byte
	Records(Options{Events: 10, Seed: 42}, func(rec []byte) bool { other = append(other, rec...); return false })
	if bytes.Equal(first, other) {
		t.Error("seeds 42 and 43 gave the same first record")
	}
}

func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	sort.Strings(out)
	return out
}

var (
	reUUID     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	reS3ReqID  = regexp.MustCompile(`^[0-9A-Z]{16}$`)
	reTime     = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	reAccount  = regexp.MustCompile(`^\d{12}$`)
	reKey      = regexp.MustCompile(`^A[KS]IA[A-Z2-7]{16}$`)
	reFilePath = regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail/([a-z]{2}-[a-z]+-\d)/(\d{4})/(\d\d)/(\d\d)/` +
		`(\d{12})_CloudTrail_([a-z]{2}-[a-z]+-\d)_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$`)
)

func TestRecordsValid(t *testing.T) {
	st, _, recs := fixture(t)
	if len(recs) != testOpt.Events || st.Records != testOpt.Events {
		t.Fatalf("read %d records, Stats says %d, want %d", len(recs), st.Records, testOpt.Events)
	}
	end := testOpt.Start.Add(time.Duration(testOpt.Days) * 24 * time.Hour)
	for _, r := range recs {
		m := r.m
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("%s\n%s", fmt.Sprintf(format, args...), r.raw)
		}
		for _, k := range []string{"eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress",
			"userAgent", "eventID", "eventType", "recipientAccountId", "eventCategory"} {
			if str(m, k) == "" {
				fail("missing or empty %s", k)
			}
		}
		for _, k := range []string{"requestParameters", "responseElements"} {
			if _, ok := m[k]; !ok {
				fail("missing %s", k)
			}
		}
		if _, ok := m["userIdentity"].(map[string]any); !ok {
			fail("userIdentity is not an object")
		}
		for _, k := range []string{"readOnly", "managementEvent"} {
			if _, ok := m[k].(bool); !ok {
				fail("%s is not a bool", k)
			}
		}
		if !reTime.MatchString(str(m, "eventTime")) {
			fail("eventTime %q", str(m, "eventTime"))
		}
		at, err := time.Parse(time.RFC3339, str(m, "eventTime"))
		if err != nil || at.Before(testOpt.Start) || !at.Before(end) {
			fail("eventTime %v outside [%v, %v)", at, testOpt.Start, end)
		}
		if !reUUID.MatchString(str(m, "eventID")) {
			fail("eventID %q is not a UUID v4", str(m, "eventID"))
		}
		req := str(m, "requestID")
		switch {
		case str(m, "eventSource") == "s3.amazonaws.com":
			if !reS3ReqID.MatchString(req) {
				fail("S3 requestID %q", req)
			}
		case str(m, "eventType") == "AwsApiCall":
			if !reUUID.MatchString(req) {
				fail("requestID %q", req)
			}
		}
		if !reAccount.MatchString(str(m, "recipientAccountId")) {
			fail("recipientAccountId %q", str(m, "recipientAccountId"))
		}
		if k := str(m, "userIdentity", "accessKeyId"); k != "" && !reKey.MatchString(k) {
			fail("accessKeyId %q", k)
		}
		if (str(m, "eventCategory") == "Management") != m["managementEvent"].(bool) {
			fail("managementEvent disagrees with eventCategory")
		}
		if str(m, "errorCode") != "" && m["responseElements"] != nil && str(m, "eventName") != "ConsoleLogin" {
			fail("a failed call with a response")
		}
	}
}

func TestLayout(t *testing.T) {
	st, files, recs := fixture(t)
	if len(files) != testOpt.Files || st.Files != testOpt.Files {
		t.Fatalf("%d files, Stats says %d, want %d", len(files), st.Files, testOpt.Files)
	}
	var size, n int64
	accounts, regions := map[string]bool{}, map[string]bool{}
	for _, f := range files {
		size += f.size
		n += int64(len(f.records))
		m := reFilePath.FindStringSubmatch(f.rel)
		if m == nil {
			t.Fatalf("%s does not follow CloudTrail's layout", f.rel)
		}
		if m[6] != m[1] || m[7] != m[2] || m[8] != m[3]+m[4]+m[5] {
			t.Errorf("%s: folder and file name disagree", f.rel)
		}
		if mm := m[9][2:]; mm[1] != '0' && mm[1] != '5' {
			t.Errorf("%s: delivery time not on a 5-minute mark", f.rel)
		}
		accounts[m[1]], regions[m[2]] = true, true
	}
	for _, r := range recs {
		m := reFilePath.FindStringSubmatch(files[r.file].rel)
		if str(r.m, "recipientAccountId") != m[1] || str(r.m, "awsRegion") != m[2] {
			t.Fatalf("%s holds a record of %s %s", files[r.file].rel, str(r.m, "recipientAccountId"), str(r.m, "awsRegion"))
		}
	}
	if size != st.Bytes || n != int64(st.Records) {
		t.Errorf("Stats %+v, files hold %d bytes and %d records", st, size, n)
	}
	if len(accounts) != testOpt.Accounts || len(regions) < 5 {
		t.Errorf("%d accounts and %d regions, want %d and at least 5", len(accounts), len(regions), testOpt.Accounts)
	}
	if per := st.JSONBytes / int64(st.Records); per < 1200 || per > 1900 {
		t.Errorf("%d bytes per record, want about 1.5 KB", per)
	}
}

func TestDuplicates(t *testing.T) {
	st, _, recs := fixture(t)
	first := map[string]int{}
	dups := 0
	for i, r := range recs {
		id := str(r.m, "eventID")
		j, seen := first[id]
		if !seen {
			first[id] = i
			continue
		}
		dups++
		if !bytes.Equal(recs[j].raw, r.raw) {
			t.Errorf("eventID %s delivered twice with different content", id)
		}
		if recs[j].file == r.file {
			t.Errorf("eventID %s delivered twice in one file", id)
		}
	}
	want := float64(testOpt.Events) * defaultDup
	if float64(dups) < want*0.6 || float64(dups) > want*1.4 {
		t.Errorf("%d duplicates, want about %.0f", dups, want)
	}
	if st.Unique != len(recs)-dups {
		t.Errorf("Stats.Unique %d, want %d", st.Unique, len(recs)-dups)
	}

	none, err := newLayout(Options{Events: 5000, Files: 10, DupRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range none.files {
		if f.d != 0 {
			t.Fatal("negative DupRate still duplicates records")
		}
	}
}

func TestMix(t *testing.T) {
	st, _, recs := fixture(t)
	if st.EventNames < 170 || st.EventNames > 240 {
		t.Errorf("%d event names, want about 200", st.EventNames)
	}
	services, types, agents, ips := map[string]bool{}, map[string]int{}, map[string]int{}, map[string]bool{}
	var errs, reads, data, resources, sso, invoked, extra int
	for _, r := range recs {
		m := r.m
		services[str(m, "eventSource")] = true
		types[str(m, "userIdentity", "type")]++
		ips[str(m, "sourceIPAddress")] = true
		for _, a := range []string{"aws-cli/", "Boto3/", "Terraform/", "Mozilla/", "aws-sdk-go", "aws-sdk-java", "S3Console", ".amazonaws.com"} {
			if strings.Contains(str(m, "userAgent"), a) {
				agents[a]++
			}
		}
		if str(m, "errorCode") != "" {
			errs++
		}
		if m["readOnly"].(bool) {
			reads++
		}
		if str(m, "eventCategory") == "Data" {
			data++
		}
		if m["resources"] != nil {
			resources++
		}
		if strings.Contains(str(m, "userIdentity", "arn"), ":assumed-role/AWSReservedSSO_") {
			sso++
		}
		if str(m, "userIdentity", "invokedBy") != "" {
			invoked++
		}
		if m["additionalEventData"] != nil && m["tlsDetails"] != nil {
			extra++
		}
	}
	n := float64(len(recs))
	if len(services) < 28 || len(services) > 36 {
		t.Errorf("%d services, want about 30", len(services))
	}
	if e := float64(errs) / n; e < 0.025 || e > 0.06 {
		t.Errorf("error rate %.3f, want 3-5%%", e)
	}
	if f := float64(reads) / n; f < 0.7 {
		t.Errorf("read-only share %.2f, want a read-heavy mix", f)
	}
	if f := float64(data) / n; f < 0.08 || f > 0.4 {
		t.Errorf("data event share %.2f", f)
	}
	for _, typ := range []string{"IAMUser", "AssumedRole", "AWSService", "Root", "SAMLUser", "WebIdentityUser"} {
		if types[typ] == 0 {
			t.Errorf("no %s identities", typ)
		}
	}
	if f := float64(types["AssumedRole"]) / n; f < 0.4 {
		t.Errorf("assumed roles make %.2f of records; real trails are mostly sessions", f)
	}
	for a, c := range agents {
		if c == 0 {
			t.Errorf("no %s user agents", a)
		}
	}
	if len(agents) < 8 {
		t.Errorf("user agents seen: %v", agents)
	}
	if len(ips) < 300 {
		t.Errorf("only %d distinct source IPs", len(ips))
	}
	if sso == 0 || invoked == 0 || resources == 0 || extra == 0 {
		t.Errorf("SSO %d, invokedBy %d, resources %d, additionalEventData %d: want all", sso, invoked, resources, extra)
	}
	if st.Principals < 500 {
		t.Errorf("%d principals", st.Principals)
	}
	t.Logf("%+v; %d services, errors %.3f, reads %.2f, data %.2f, %d IPs, types %v",
		st, len(services), float64(errs)/n, float64(reads)/n, float64(data)/n, len(ips), types)
}

func TestOutOfOrder(t *testing.T) {
	_, files, recs := fixture(t)
	counts := map[string]int{}
	for _, r := range recs {
		counts[str(r.m, "eventID")]++
	}
	last := make([]string, len(files))
	inversions := make([]int, len(files))
	for _, r := range recs {
		at := str(r.m, "eventTime")
		if counts[str(r.m, "eventID")] > 1 {
			continue // a redelivered record sits anywhere
		}
		if at >= last[r.file] {
			last[r.file] = at
			continue
		}
		inversions[r.file]++
		t1, _ := time.Parse(time.RFC3339, last[r.file])
		t2, _ := time.Parse(time.RFC3339, at)
		if d := t1.Sub(t2); d >= shuffleSpan*time.Second {
			t.Errorf("%s: a record %v before one that precedes it", files[r.file].rel, d)
		}
	}
	shuffled := 0
	for _, n := range inversions {
		if n > 0 {
			shuffled++
		}
	}
	if shuffled < len(files)*9/10 {
		t.Errorf("only %d of %d files are out of time order", shuffled, len(files))
	}
}

func TestCredentialChains(t *testing.T) {
	_, _, recs := fixture(t)
	type mint struct {
		at     string
		caller string
	}
	minted := map[string]mint{}
	for _, r := range recs {
		if k := str(r.m, "responseElements", "credentials", "accessKeyId"); k != "" {
			if !strings.HasPrefix(k, "ASIA") {
				t.Fatalf("minted key %s", k)
			}
			minted[k] = mint{at: str(r.m, "eventTime"), caller: str(r.m, "userIdentity", "accessKeyId")}
		}
	}
	if len(minted) < 100 {
		t.Fatalf("only %d minted keys", len(minted))
	}
	used, chained := map[string]bool{}, 0
	for _, r := range recs {
		id := r.m["userIdentity"].(map[string]any)
		k := str(id, "accessKeyId")
		mt, ok := minted[k]
		if str(id, "type") == "AssumedRole" && k != "" && !ok {
			t.Fatalf("assumed-role key %s is never minted", k)
		}
		if !ok {
			continue
		}
		if str(r.m, "eventTime") < mt.at {
			t.Errorf("key %s used at %s, before it was minted at %s", k, str(r.m, "eventTime"), mt.at)
		}
		if str(r.m, "responseElements", "credentials", "accessKeyId") == "" {
			used[k] = true
		}
	}
	for _, m := range minted {
		if _, ok := minted[m.caller]; ok {
			chained++
		}
	}
	if len(used) < len(minted)/2 {
		t.Errorf("%d of %d minted keys are used", len(used), len(minted))
	}
	if chained == 0 {
		t.Error("no role chaining: no minting call is made with a minted key")
	}
	// A chain of three links: a key minted by a key that was itself minted by a minted key.
	deep := false
	for _, m := range minted {
		if p, ok := minted[m.caller]; ok {
			if _, ok := minted[p.caller]; ok {
				deep = true
				break
			}
		}
	}
	if !deep {
		t.Error("no credential chain longer than two links")
	}
	t.Logf("%d minted keys, %d used, %d minted by minted keys", len(minted), len(used), chained)
}

func TestOptions(t *testing.T) {
	if _, err := Generate(Options{}, t.TempDir()); err == nil {
		t.Error("zero Events accepted")
	}
	dir := t.TempDir()
	st, err := Generate(Options{Events: 50, Files: 200, Accounts: 5}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 50 || st.Files > 50 {
		t.Errorf("%+v", st)
	}
	if files := listFiles(t, dir); len(files) != st.Files || !strings.HasSuffix(files[0], ".json") {
		t.Errorf("plain JSON files: %v", files)
	}
}

// BenchmarkGenerate100k measures writing 100,000 records in 50 gzipped files.
func BenchmarkGenerate100k(b *testing.B) {
	dir := b.TempDir()
	var st Stats
	for b.Loop() {
		var err error
		if st, err = Generate(Options{Events: 100_000, Files: 50, Seed: 1, Gzip: true}, dir); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(st.JSONBytes)
	b.ReportMetric(float64(st.Bytes)/float64(st.Records), "gz-B/record")
}

// BenchmarkRecords100k measures streaming 100,000 records without files.
func BenchmarkRecords100k(b *testing.B) {
	var n int64
	for b.Loop() {
		n = 0
		Records(Options{Events: 100_000, Files: 50, Seed: 1}, func(rec []byte) bool { n += int64(len(rec)); return true })
	}
	b.SetBytes(n)
}
