package s3

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailscope/trailscope/source/scope"
)

// Kind is which files of a trail to list: its logs, or its digest files (log file validation).
type Kind int

// The kinds of files a trail delivers.
const (
	Logs    Kind = iota // AWSLogs/.../CloudTrail/REGION/YYYY/MM/DD/*.json.gz
	Digests             // AWSLogs/.../CloudTrail-Digest/REGION/YYYY/MM/DD/*.json.gz
)

// Folder names the folder of one kind under an account's folder.
func (k Kind) Folder() string {
	if k == Digests {
		return "CloudTrail-Digest"
	}
	return "CloudTrail"
}

// KindPrefix turns a prefix that names one kind's folder (.../ACCOUNT/CloudTrail/REGION/...) into
// the same place in the folder of kind k (.../ACCOUNT/CloudTrail-Digest/REGION/...), so that one URL
// names both a trail's logs and its digests. A prefix above those folders is returned as it is.
func KindPrefix(prefix string, k Kind) string {
	parts := strings.Split(prefix, "/")
	i := slices.Index(parts, "AWSLogs")
	if i < 0 {
		return prefix
	}
	for j := i + 1; j < len(parts) && j <= i+3; j++ {
		if (parts[j] == Logs.Folder() || parts[j] == Digests.Folder()) && scope.IsAccount(parts[j-1]) {
			parts[j] = k.Folder()
			return strings.Join(parts, "/")
		}
	}
	return prefix
}

// Folder is one account's and one region's folder of a trail, which holds a folder per day:
// [PREFIX/]AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/.
type Folder struct {
	Prefix  string // the folder's key prefix, ending in "/"
	Org     string // the organization's ID for an organization trail
	Account string
	Region  string
	// Dates narrows the days to those the URL named ("2024/", "2024/03/", "2024/03/04/"); "" for all.
	Dates string
}

var (
	orgID    = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	datePart = regexp.MustCompile(`^[0-9]{4}(/[0-9]{2}(/[0-9]{2})?)?/$`)
)

// The bounds of discovery: how deep below a URL's prefix an AWSLogs/ folder is looked for, and how
// many folders are looked into, so that a bucket that holds other things is never walked whole.
const (
	searchDepth   = 3
	searchFolders = 200
)

// layout is where a prefix sits in a trail's folders.
type layout struct {
	base    string // the prefix up to the deepest level known
	level   level
	org     string
	account string
	region  string
	dates   string
}

type level int

const (
	levelSearch  level = iota // somewhere above AWSLogs/
	levelAWSLogs              // AWSLogs/: organizations and accounts below
	levelOrg                  // AWSLogs/o-…/: accounts below
	levelAccount              // AWSLogs/[o-…/]ACCOUNT/
	levelService              // .../ACCOUNT/CloudTrail/: regions below
	levelRegion               // .../CloudTrail/REGION/: dates below
)

// parseLayout places a prefix (a folder, ending in "/", or "") in the layout of a trail.
func parseLayout(prefix string, kind Kind) (layout, error) {
	parts := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	i := slices.Index(parts, "AWSLogs")
	if prefix == "" || i < 0 {
		return layout{base: prefix, level: levelSearch}, nil
	}
	l := layout{base: strings.Join(parts[:i+1], "/") + "/", level: levelAWSLogs}
	rest := parts[i+1:]
	bad := func(why string) (layout, error) {
		return layout{}, fmt.Errorf("%s: %s; a trail delivers to [PREFIX/]AWSLogs/[o-ORG/]ACCOUNT/%s/REGION/YYYY/MM/DD/", prefix, why, kind.Folder())
	}
	if len(rest) > 0 && orgID.MatchString(rest[0]) {
		l.org, l.level, l.base, rest = rest[0], levelOrg, l.base+rest[0]+"/", rest[1:]
	}
	if len(rest) == 0 {
		return l, nil
	}
	if !scope.IsAccount(rest[0]) {
		return bad(fmt.Sprintf("%q is not an account ID (12 digits)", rest[0]))
	}
	l.account, l.level, l.base, rest = rest[0], levelAccount, l.base+rest[0]+"/", rest[1:]
	if len(rest) == 0 {
		return l, nil
	}
	if rest[0] != kind.Folder() {
		if rest[0] == Digests.Folder() {
			return bad("CloudTrail-Digest holds digest files, not events: give the CloudTrail folder")
		}
		return bad(fmt.Sprintf("%q is not the %s folder", rest[0], kind.Folder()))
	}
	l.level, l.base, rest = levelService, l.base+rest[0]+"/", rest[1:]
	if len(rest) == 0 {
		return l, nil
	}
	if !scope.IsRegion(rest[0]) {
		return bad(fmt.Sprintf("%q is not a region", rest[0]))
	}
	l.region, l.level, l.base, rest = rest[0], levelRegion, l.base+rest[0]+"/", rest[1:]
	if len(rest) > 0 {
		l.dates = strings.Join(rest, "/") + "/"
		if !datePart.MatchString(l.dates) {
			return bad(fmt.Sprintf("%q is not a date folder (YYYY/MM/DD)", l.dates))
		}
	}
	return l, nil
}

// Folders finds the folders of a trail under prefix (a folder, ending in "/", or "" for the whole
// bucket) that the selection's regions and accounts allow. The layout is discovered by listing
// folders, never objects: plain and organization trails, a prefix before AWSLogs/ (looked for a
// few levels down), a prefix that already names an account, a region or a day. Errors say what
// was found instead.
func (b *Bucket) Folders(ctx context.Context, prefix string, sel Selection) ([]Folder, error) {
	l, err := parseLayout(prefix, sel.Kind)
	if err != nil {
		return nil, err
	}
	w := &walker{b: b, sel: sel, ctx: ctx, accounts: map[string]bool{}, regions: map[string]bool{}}
	w.start(func() error { return w.from(l) })
	w.wg.Wait()
	if w.err != nil {
		return nil, w.err
	}
	slices.SortFunc(w.folders, func(a, b Folder) int { return strings.Compare(a.Prefix, b.Prefix) })
	if len(w.folders) > 0 {
		return w.folders, nil
	}
	where := URL(b.Name, prefix)
	switch {
	case w.logs == 0 && l.level == levelSearch:
		found := "it is empty"
		if len(w.seen) > 0 {
			found = "found " + list(w.seen, 8)
		}
		return nil, fmt.Errorf("no AWSLogs/ folder under %s (looked %d levels down; %s): give the trail's bucket and prefix, "+
			"e.g. s3://BUCKET/PREFIX/AWSLogs/ (`aws cloudtrail describe-trails` shows S3BucketName and S3KeyPrefix)", where, searchDepth+1, found)
	case len(w.accounts) == 0:
		return nil, fmt.Errorf("no account folders under %s", where)
	case w.allowed == 0:
		return nil, fmt.Errorf("no folders of accounts %s under %s: the trail delivers for %s", sel.Accounts, where, keys(w.accounts))
	case len(w.regions) == 0:
		return nil, fmt.Errorf("no %s folders under %s (accounts %s)", sel.Kind.Folder(), where, keys(w.accounts))
	default:
		return nil, fmt.Errorf("no folders of regions %s under %s: the trail delivers for %s", sel.Regions, where, keys(w.regions))
	}
}

// walker lists a trail's folders level by level, each folder's children in parallel (the
// client's gate bounds the requests).
type walker struct {
	b   *Bucket
	sel Selection
	ctx context.Context
	wg  sync.WaitGroup

	mu       sync.Mutex
	err      error
	folders  []Folder
	logs     int             // AWSLogs/ folders found
	accounts map[string]bool // account folders found, allowed or not
	allowed  int             // account folders the selection allows
	regions  map[string]bool // region folders found in allowed accounts, allowed or not
	seen     []string        // folders looked into while searching for AWSLogs/
	searched int
}

func (w *walker) start(f func() error) {
	w.wg.Go(func() {
		if err := f(); err != nil {
			w.mu.Lock()
			if w.err == nil {
				w.err = err
			}
			w.mu.Unlock()
		}
	})
}

// from walks down from where a prefix sits.
func (w *walker) from(l layout) error {
	switch l.level {
	case levelSearch:
		return w.search(l.base, 0)
	case levelAWSLogs:
		return w.awsLogs(l.base)
	case levelOrg:
		return w.org(l.base, l.org)
	case levelAccount:
		w.account(l.base, l.org, l.account)
	case levelService:
		if w.allow(l.account) {
			return w.service(l.base, l.org, l.account)
		}
	case levelRegion:
		w.note(w.regions, l.region)
		if w.allow(l.account) && w.sel.Regions.Allows(l.region) {
			w.add(Folder{Prefix: l.base, Org: l.org, Account: l.account, Region: l.region, Dates: l.dates})
		}
	}
	return nil
}

// allow notes an account folder, and tells whether the selection allows it.
func (w *walker) allow(account string) bool {
	ok := w.sel.Accounts.Allows(account)
	w.mu.Lock()
	w.accounts[account] = true
	if ok {
		w.allowed++
	}
	w.mu.Unlock()
	return ok
}

func (w *walker) note(m map[string]bool, name string) {
	w.mu.Lock()
	m[name] = true
	w.mu.Unlock()
}

func (w *walker) add(f Folder) {
	w.mu.Lock()
	w.folders = append(w.folders, f)
	w.mu.Unlock()
}

// search looks for AWSLogs/ below prefix: at this level, or else in each folder, a few levels down.
func (w *walker) search(prefix string, depth int) error {
	children, err := w.b.children(w.ctx, prefix, 1000)
	if err != nil {
		return err
	}
	if slices.Contains(children, "AWSLogs") {
		w.mu.Lock()
		w.logs++
		w.mu.Unlock()
		return w.awsLogs(prefix + "AWSLogs/")
	}
	if depth >= searchDepth {
		return nil
	}
	for _, c := range children {
		w.mu.Lock()
		w.searched++
		more := w.searched <= searchFolders
		if more && len(w.seen) < 20 {
			w.seen = append(w.seen, prefix+c+"/")
		}
		w.mu.Unlock()
		if !more {
			return nil
		}
		w.start(func() error { return w.search(prefix+c+"/", depth+1) })
	}
	return nil
}

// awsLogs walks AWSLogs/: organization folders and account folders.
func (w *walker) awsLogs(prefix string) error {
	children, err := w.b.children(w.ctx, prefix, 0)
	if err != nil {
		return err
	}
	for _, c := range children {
		switch {
		case orgID.MatchString(c):
			w.start(func() error { return w.org(prefix+c+"/", c) })
		case scope.IsAccount(c):
			w.account(prefix+c+"/", "", c)
		}
	}
	return nil
}

// org walks an organization trail's folder: one folder per member account.
func (w *walker) org(prefix, org string) error {
	children, err := w.b.children(w.ctx, prefix, 0)
	if err != nil {
		return err
	}
	for _, c := range children {
		if scope.IsAccount(c) {
			w.account(prefix+c+"/", org, c)
		}
	}
	return nil
}

// account goes straight to the account's CloudTrail folder (or CloudTrail-Digest): listing the
// account's folder would only show it beside CloudTrail-Insight and other services'.
func (w *walker) account(prefix, org, account string) {
	if w.allow(account) {
		w.start(func() error { return w.service(prefix+w.sel.Kind.Folder()+"/", org, account) })
	}
}

// service lists the region folders of an account.
func (w *walker) service(prefix, org, account string) error {
	children, err := w.b.children(w.ctx, prefix, 0)
	if err != nil {
		return err
	}
	for _, r := range children {
		if !scope.IsRegion(r) {
			continue
		}
		w.note(w.regions, r)
		if w.sel.Regions.Allows(r) {
			w.add(Folder{Prefix: prefix + r + "/", Org: org, Account: account, Region: r})
		}
	}
	return nil
}

// children lists the folders right below prefix, by name ("AWSLogs"), at most limit of them (0: all).
func (b *Bucket) children(ctx context.Context, prefix string, limit int) ([]string, error) {
	var names []string
	in := &awss3.ListObjectsV2Input{Bucket: aws.String(b.Name), Prefix: aws.String(prefix), Delimiter: aws.String("/")}
	for {
		out, err := b.list(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, p := range out.CommonPrefixes {
			name := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(p.Prefix), prefix), "/")
			if name != "" {
				names = append(names, name)
			}
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil || (limit > 0 && len(names) >= limit) {
			return names, nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

// list runs one ListObjectsV2 request.
func (b *Bucket) list(ctx context.Context, in *awss3.ListObjectsV2Input) (*awss3.ListObjectsV2Output, error) {
	out, err := call(ctx, b, func(ctx context.Context, s api) (*awss3.ListObjectsV2Output, error) {
		return s.ListObjectsV2(ctx, in)
	})
	if err != nil {
		return nil, b.explain(err, "s3:ListBucket", aws.ToString(in.Prefix))
	}
	return out, nil
}

// LatestDay finds the newest day folder of f ("2024/03/04/"), or "" when it has none: for saying
// where a trail's files are when a window holds none.
func (b *Bucket) LatestDay(ctx context.Context, f Folder) (string, error) {
	day := ""
	for range 3 { // year, month, day
		names, err := b.children(ctx, f.Prefix+day, 0)
		if err != nil || len(names) == 0 {
			return "", err
		}
		day += slices.Max(names) + "/"
	}
	return day, nil
}

// keys lists a set's names, sorted, for messages.
func keys(m map[string]bool) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return list(names, 8)
}

// list joins names, at most n of them.
func list(names []string, n int) string {
	if len(names) > n {
		return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
	}
	return strings.Join(names, ", ")
}
