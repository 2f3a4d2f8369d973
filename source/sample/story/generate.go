// Package story writes the built-in sample's records (generate.go, chapters.go): a week of an
// organisation's CloudTrail activity in two accounts and seven regions (the background comes from
// source/synth), with the incidents of model/scenario woven in as complete, realistic records around
// their subjects, and a few normal activities that look alarming. Generate is deterministic: the same
// code gives the same bytes, which the sample embeds; it also returns the ground truth of every
// scenario, which tests compare with the answers model/scenario finds.
package story

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/tidwall/gjson"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/sample/scenarios"
	"github.com/trailscope/trailscope/source/synth"
	"github.com/trailscope/trailscope/source/synth/world"
)

// The shape of the dataset.
const (
	Seed       = 1      // the background's seed: its accounts, people and resources
	Background = 30_000 // background records
	Days       = 7
	Accounts   = 2 // prod and staging
)

// Start is the first moment of the week: a Monday.
var Start = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

// File is one delivery file of the dataset: its path (in CloudTrail's layout, AWSLogs/...) and its
// gzipped bytes.
type File struct {
	Path string
	Data []byte
}

// Truth is what the generator wrote for one scenario: what its answer must find.
type Truth struct {
	Scenario  string   // Scenario.Name
	EventIDs  []string // the events the answer rests on, sorted
	Principal string   // the readable principal of the key event (cloudtrail.Identity.Principal)
	Behind    string   // the caller at the end of the credential chain; "" when there is none
	AccessKey string
	SourceIP  string
	Resources []string // what the answer is about, the main thing first
	Count     int      // 0 when the answer is not a count
	// Partial is set when the background may hold more events of the same kind (a look-alike): the answer's
	// evidence must include EventIDs rather than equal them, and Count is a lower bound.
	Partial bool
}

// Stats describes a generated dataset.
type Stats struct {
	Files, Records, Incident int // files, records in all, records written for the scenarios
	JSONBytes, GzipBytes     int64
	// Calls is every distinct call the scenarios' records make, "eventSource eventName", sorted.
	Calls []string
}

// record is one record of the dataset, with what places it in a file.
type record struct {
	account, region string
	time            string // eventTime as written: RFC 3339, which sorts as time does
	json            []byte
}

// Generate builds the dataset. The files come sorted by path.
func Generate() ([]File, []Truth, Stats, error) {
	w := world.New(Seed, Accounts)
	s, err := newStory(w)
	if err != nil {
		return nil, nil, Stats{}, err
	}
	s.tell()

	var recs []record
	opt := world.Options{Events: Background, Seed: Seed, Start: Start, Days: Days, Accounts: Accounts}
	world.Records(opt, func(rec []byte) bool {
		r := gjson.GetManyBytes(rec, "recipientAccountId", "awsRegion", "eventTime")
		recs = append(recs, record{account: r[0].String(), region: r[1].String(), time: r[2].String(),
			json: bytes.Clone(rec)})
		return true
	})
	if len(recs) == 0 {
		return nil, nil, Stats{}, fmt.Errorf("scenario: the background generator wrote nothing")
	}
	st := Stats{Incident: len(s.recs)}
	for _, r := range s.recs {
		g := gjson.GetManyBytes(r.json, "eventSource", "eventName")
		c := g[0].String() + " " + g[1].String()
		if !slices.Contains(st.Calls, c) {
			st.Calls = append(st.Calls, c)
		}
	}
	slices.Sort(st.Calls)
	recs = append(recs, s.recs...)
	files, err := deliver(recs, &st)
	if err != nil {
		return nil, nil, Stats{}, err
	}
	for i := range s.truth {
		slices.Sort(s.truth[i].EventIDs)
	}
	return files, s.truth, st, nil
}

// deliver groups records into one file per account, region and day, in time order, gzipped.
func deliver(recs []record, st *Stats) ([]File, error) {
	type fileKey struct{ account, region, day string }
	groups := map[fileKey][]record{}
	for _, r := range recs {
		if len(r.time) < 10 {
			return nil, fmt.Errorf("scenario: a record without a proper eventTime: %.200s", r.json)
		}
		k := fileKey{r.account, r.region, r.time[:10]}
		groups[k] = append(groups[k], r)
	}
	keys := slices.SortedFunc(func(yield func(fileKey) bool) {
		for k := range groups {
			if !yield(k) {
				return
			}
		}
	}, func(a, b fileKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.region, b.region), cmp.Compare(a.day, b.day))
	})
	var files []File
	var js, zbuf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&zbuf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	for i, k := range keys {
		g := groups[k]
		slices.SortStableFunc(g, func(a, b record) int { return cmp.Compare(a.time, b.time) })
		js.Reset()
		js.WriteString(`{"Records":[`)
		for j, r := range g {
			if j > 0 {
				js.WriteByte(',')
			}
			js.Write(r.json)
		}
		js.WriteString("]}")
		zbuf.Reset()
		zw.Reset(&zbuf)
		if _, err := zw.Write(js.Bytes()); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		// Named as CloudTrail names a delivery: the time of its last record, and a random suffix.
		last, err := time.Parse(time.RFC3339, g[len(g)-1].time)
		if err != nil {
			return nil, fmt.Errorf("scenario: eventTime %q: %w", g[len(g)-1].time, err)
		}
		last = last.Truncate(5 * time.Minute).Add(5 * time.Minute)
		suffix := synth.NewRand(Seed, 0xf11e0000+uint64(i)).Suffix(16)
		path := "AWSLogs/" + k.account + "/CloudTrail/" + k.region + "/" + k.day[:4] + "/" + k.day[5:7] + "/" + k.day[8:10] +
			"/" + k.account + "_CloudTrail_" + k.region + "_" + last.Format("20060102T1504Z") + "_" + suffix + ".json.gz"
		files = append(files, File{Path: path, Data: bytes.Clone(zbuf.Bytes())})
		st.Files++
		st.Records += len(g)
		st.JSONBytes += int64(js.Len())
		st.GzipBytes += int64(zbuf.Len())
	}
	slices.SortFunc(files, func(a, b File) int { return cmp.Compare(a.Path, b.Path) })
	return files, nil
}

// story writes the incidents and look-alikes into the world of the background.
type story struct {
	w             *world.World
	prod, staging *world.Account
	recs          []record
	truth         []Truth
	stream        uint64 // the Rand stream of the next chapter
}

func newStory(w *world.World) (*story, error) {
	if len(w.Accounts) < 2 {
		return nil, fmt.Errorf("scenario: the world has %d accounts, not 2", len(w.Accounts))
	}
	s := &story{w: w, prod: &w.Accounts[0], staging: &w.Accounts[1]}
	if s.prod.Env != "prod" || s.staging.Env != "staging" {
		return nil, fmt.Errorf("scenario: the world's accounts are %s and %s, not prod and staging", s.prod.Env, s.staging.Env)
	}
	if _, ok := s.prod.User(subject("leaked-key")); !ok {
		return nil, fmt.Errorf("scenario: seed %d has no IAM user %s in prod", Seed, subject("leaked-key"))
	}
	return s, nil
}

// subject returns what a scenario names.
func subject(name string) string {
	sc, ok := scenarios.Named(name)
	if !ok {
		panic("scenario: no question about " + name)
	}
	return sc.Subject
}

// rand returns the generator of the next chapter: each has its own stream, so a chapter's records do not
// change when another chapter does.
func (s *story) rand() *synth.Rand {
	s.stream++
	return synth.NewRand(Seed, 0xacc1de00+s.stream)
}

// emit adds a record and returns its eventID.
func (s *story) emit(e *synth.Event) string {
	s.recs = append(s.recs, record{account: e.Recipient, region: e.Region, time: e.Time.UTC().Format(time.RFC3339),
		json: e.JSON()})
	return e.EventID
}

// principal returns the readable principal that decoding derives for e's identity.
func principal(e *synth.Event) string {
	rec, err := cloudtrail.DecodeRecord(e.JSON())
	if err != nil {
		panic("scenario: a record that does not decode: " + err.Error())
	}
	return rec.Identity.Principal
}

// day returns a time of the week: day 0 is Monday.
func day(d, h, m, sec int) time.Time {
	return Start.Add(time.Duration(d)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(sec)*time.Second)
}

// tell writes every chapter. The order fixes each chapter's random stream: add new ones at the end.
func (s *story) tell() {
	s.setup()
	s.terminated()
	s.leakedKey()
	s.roleChain()
	s.costSpike()
	s.rootNoMFA()
	s.deniedStorm()
	s.bucketWipe()
	s.scaleIn()
	s.lookAlikes()
}

// cliAgent appends aws-cli v2's command metadata to a user agent, as the CLI does per call.
func cliAgent(ua, command string) string {
	if len(ua) >= 9 && ua[:9] == "aws-cli/2" {
		return ua + " md/command#" + command
	}
	return ua
}
