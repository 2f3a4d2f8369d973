package s3

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailscope/trailscope/source/scope"
)

// DefaultLate is how long after the end of a window a delivery file is still read: CloudTrail
// delivers a file about every five minutes, each holding events from before its delivery time,
// usually minutes before but with no guarantee. A file delivered more than this after the window
// ends is not read.
const DefaultLate = time.Hour

// Selection says which delivery files to list.
type Selection struct {
	Window   scope.Window
	Regions  scope.Choice // the zero Choice allows every region
	Accounts scope.Choice // the zero Choice allows every account
	Kind     Kind
	// Late is how long after the window a file's delivery time may be; DefaultLate when 0. The
	// listing walks the days of the window, and the next day when Late reaches into it.
	Late time.Duration
}

func (s Selection) late() time.Duration {
	if s.Late > 0 {
		return s.Late
	}
	return DefaultLate
}

// Object is one delivery file.
type Object struct {
	Key   string
	Size  int64
	ETag  string    // as S3 gives it, quotes included
	Stamp time.Time // the delivery time in its name (to the minute, or second for digests); zero without one
	// Account and Region are those of its folder.
	Account, Region string
	// Metadata is the object's user metadata (x-amz-meta-NAME, by NAME in lower case), known only
	// from Head: a listing does not carry it.
	Metadata map[string]string
}

// stampPart is the delivery time in a file name: 20240304T0005Z (logs), 20240304T000512Z (digests).
var stampPart = regexp.MustCompile(`^[0-9]{8}T[0-9]{4}([0-9]{2})?Z$`)

// stamp reads the delivery time of a file name, zero when it has none.
func stamp(key string) time.Time {
	name := key[strings.LastIndex(key, "/")+1:]
	if i := strings.Index(name, "."); i >= 0 {
		name = name[:i]
	}
	for _, part := range strings.Split(name, "_") {
		if !stampPart.MatchString(part) {
			continue
		}
		layout := "20060102T1504Z"
		if len(part) == len("20060102T150405Z") {
			layout = "20060102T150405Z"
		}
		if t, err := time.Parse(layout, part); err == nil {
			return t
		}
	}
	return time.Time{}
}

// dataFile tells, by name, whether an object may hold records (a digest file's .json.gz does too).
func dataFile(key string) bool {
	return strings.HasSuffix(key, ".json.gz") || strings.HasSuffix(key, ".json")
}

// days are the day folders ("2024/03/04/") that may hold the files of the selection in a folder:
// from the window's first day to the day its end plus Late falls in, those the folder's Dates allow.
func (s Selection) days(f Folder) []string {
	var out []string
	last := s.Window.To.Add(s.late()).UTC()
	for d := s.Window.From.UTC().Truncate(24 * time.Hour); !d.After(last); d = d.AddDate(0, 0, 1) {
		day := d.Format("2006/01/02/")
		if strings.HasPrefix(day, f.Dates) {
			out = append(out, day)
		}
	}
	return out
}

// keep tells whether a file delivered at t may hold events of the window: a file holds events from
// before its delivery time, so one delivered before the window's first minute holds none of it.
func (s Selection) keep(t time.Time) bool {
	if t.IsZero() {
		return true // no time in its name: it cannot be pruned
	}
	return !t.Before(s.Window.From.Truncate(time.Minute)) && !t.After(s.Window.To.Add(s.late()))
}

// Deliveries lists the delivery files of the selection in folders (from Folders) and hands them to
// each, a page at a time, from one goroutine at a time, as the listing goes (folders in parallel).
// Only the day folders of the window are listed; within a day, the files' names (which begin with
// their delivery time) let the listing start at the window's first minute and stop after its end.
func (b *Bucket) Deliveries(ctx context.Context, folders []Folder, sel Selection, each func([]Object)) error {
	type job struct {
		f   Folder
		day string
	}
	jobs := make(chan job)
	ctx, stop := context.WithCancel(ctx) // the first failure stops the rest
	defer stop()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range b.c.gate.max { // as many listers as requests may be in flight
		wg.Go(func() {
			for j := range jobs {
				err := b.listDay(ctx, j.f, j.day, sel, func(objs []Object) {
					mu.Lock()
					defer mu.Unlock()
					if first == nil {
						each(objs)
					}
				})
				mu.Lock()
				if first == nil && err != nil {
					first = err
					stop()
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, f := range folders {
		for _, day := range sel.days(f) {
			select {
			case jobs <- job{f, day}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(jobs)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// ListDeliveries is Folders and Deliveries in one: every delivery file of the selection under
// prefix, and the folders they were listed from.
func (b *Bucket) ListDeliveries(ctx context.Context, prefix string, sel Selection) ([]Object, []Folder, error) {
	folders, err := b.Folders(ctx, prefix, sel)
	if err != nil {
		return nil, nil, err
	}
	var all []Object
	err = b.Deliveries(ctx, folders, sel, func(objs []Object) { all = append(all, objs...) })
	return all, folders, err
}

// listDay lists one day folder of f.
func (b *Bucket) listDay(ctx context.Context, f Folder, day string, sel Selection, each func([]Object)) error {
	prefix := f.Prefix + day
	in := &awss3.ListObjectsV2Input{Bucket: aws.String(b.Name), Prefix: aws.String(prefix)}
	// Log files are named ACCOUNT_CloudTrail_REGION_STAMP_UNIQUE.json.gz: in a day's folder, name
	// order is time order.
	named := prefix + f.Account + "_CloudTrail_" + f.Region + "_"
	ordered := sel.Kind == Logs && f.Account != "" && f.Region != ""
	if from := sel.Window.From.UTC().Truncate(time.Minute); ordered && from.Format("2006/01/02/") == day {
		in.StartAfter = aws.String(named + from.Format("20060102T1504Z"))
	}
	end := sel.Window.To.Add(sel.late())
	for {
		out, err := b.list(ctx, in)
		if err != nil {
			return err
		}
		var objs []Object
		past := false
		for _, o := range out.Contents {
			key := aws.ToString(o.Key)
			if !dataFile(key) || strings.Contains(key[len(prefix):], "/") {
				continue
			}
			t := stamp(key)
			if ordered && strings.HasPrefix(key, named) && t.After(end) {
				past = true
				break
			}
			if sel.keep(t) {
				objs = append(objs, Object{Key: key, Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), Stamp: t,
					Account: f.Account, Region: f.Region})
			}
		}
		if len(objs) > 0 {
			each(objs)
		}
		if past || !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			return nil
		}
		in.ContinuationToken = out.NextContinuationToken
		in.StartAfter = nil
	}
}
