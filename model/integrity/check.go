package integrity

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DigestFile is a digest file as found.
type DigestFile struct {
	Location string   // a path or an S3 URL, with forward slashes
	SHA256   [32]byte // of its uncompressed bytes
	Digest   Digest
	Err      error // it could not be read or is no digest: the rest is empty
	// Signature is the digest's own signature when the archive keeps it beside the file (S3 object
	// metadata); nil when unknown.
	Signature *Signature
}

// LogFile is a log file as found.
type LogFile struct {
	Location string
	SHA256   [32]byte // of its uncompressed bytes
	Err      error    // it could not be read whole
}

// Input is what was found in an archive, and what is known beside it.
type Input struct {
	Digests []DigestFile
	Logs    []LogFile
	Keys    Keyring
	// Signatures are digests' own signatures given by the user, by SignatureKey.
	Signatures map[string]Signature
	// Now is when the check runs; zero when unknown. A log file delivered after the newest digest
	// of its chain, less than DigestDue before Now, is not judged: its digest is not due yet.
	Now time.Time
}

// DigestDue is how long after a log file's delivery its digest is surely delivered: digests come
// every hour, each listing the hour before it, and take a few minutes to arrive.
const DigestDue = 90 * time.Minute

// Why the last digest of a chain, or of a stretch of it, is unverifiable offline: Report.NewestUnsigned
// looks for these.
const (
	metadataOnly = ": its own signature is kept only in its S3 object's metadata (x-amz-meta-signature), " +
		"which a copy of the file does not carry"
	reasonNewest    = "the newest digest of its chain" + metadataOnly
	reasonLastOfRun = "the last digest before its chain restarts" + metadataOnly
)

// node is a digest in its chain.
type node struct {
	file   DigestFile
	name   DigestName
	end    time.Time
	start  time.Time
	next   []*node // the digests whose previous digest this is
	status Status
	reason string
	by     string // the digest whose previousDigestSignature was this one's signature
}

func (n *node) d() Digest { return n.file.Digest }

func (n *node) set(s Status, reason string) {
	n.status, n.reason = s, reason
}

// resolve says where a file the digest names by S3 key would be, beside the digest: in the same
// local tree when the digest sits at its own key under some root, else at its S3 URL.
func (n *node) resolve(bucket, key string) string {
	loc, obj := n.file.Location, n.d().Object
	for _, o := range []string{obj, strings.TrimSuffix(obj, ".gz")} {
		if root, ok := strings.CutSuffix(loc, o); ok && (root == "" || strings.HasSuffix(root, "/")) {
			return root + key
		}
	}
	return "s3://" + bucket + "/" + key
}

type checker struct {
	in       Input
	out      Report
	nodes    []*node
	byObject map[string][]*node // by digestS3Object
	chains   map[string][]*node // by chain name, oldest first
	broken   map[string]bool    // base names of digest files that could not be read
	gaps     []gap
}

// gap is a digest that a chain names as previous and that is not there.
type gap struct {
	chain      string
	after      time.Time // the end of the newest digest before it, zero when none
	before     time.Time // the start of the digest that names it
	key        string
	resolvedAs string
}

// Check verifies an archive: every digest's signature and its place in its chain, every log file
// against the digest that lists it, and every log file no digest lists.
func Check(in Input) Report {
	c := &checker{in: in, byObject: map[string][]*node{}, chains: map[string][]*node{}, broken: map[string]bool{}}
	if c.in.Keys == nil {
		c.in.Keys = Keyring{}
	}
	c.collect()
	c.signatures()
	c.links()
	c.findGaps()
	for _, n := range c.nodes {
		c.out.Results = append(c.out.Results, Result{File: n.file.Location, Kind: KindDigest, Status: n.status,
			Digest: n.by, Chain: n.name.Chain(), Time: n.end, Reason: n.reason})
	}
	c.logs()
	c.summarise()
	slices.SortStableFunc(c.out.Results, func(a, b Result) int {
		return cmp.Or(strings.Compare(a.Chain, b.Chain), a.Time.Compare(b.Time), strings.Compare(a.File, b.File))
	})
	return c.out
}

// collect parses what was found into chains.
func (c *checker) collect() {
	for _, f := range c.in.Digests {
		if f.Err != nil {
			name, _ := ParseDigestName(f.Location)
			c.broken[baseName(f.Location)] = true
			chain := ""
			if name.Account != "" {
				chain = name.Chain()
			}
			c.out.Results = append(c.out.Results, Result{File: f.Location, Kind: KindDigest, Status: DigestInvalid,
				Chain: chain, Time: name.End, Reason: "cannot be read as a digest: " + f.Err.Error()})
			continue
		}
		n := &node{file: f, name: f.Digest.Name()}
		n.end, _ = f.Digest.End()
		n.start, _ = f.Digest.Start()
		if baseName(f.Location) != baseName(f.Digest.Object) {
			n.set(DigestInvalid, fmt.Sprintf("it says it is %s: the file was renamed, or its content replaced", f.Digest.Object))
		}
		c.nodes = append(c.nodes, n)
		c.byObject[f.Digest.Object] = append(c.byObject[f.Digest.Object], n)
		c.chains[n.name.Chain()] = append(c.chains[n.name.Chain()], n)
	}
	for _, chain := range c.chains {
		slices.SortStableFunc(chain, func(a, b *node) int { return a.end.Compare(b.end) })
	}
	for _, n := range c.nodes {
		if p := n.d().PreviousObject; p != nil {
			for _, prev := range c.byObject[*p] {
				prev.next = append(prev.next, n)
			}
		}
	}
}

// signatures checks each digest's signature: its own (from the archive or the user), else the
// previousDigestSignature of the digest after it.
func (c *checker) signatures() {
	for _, n := range c.nodes {
		if n.status != "" {
			continue
		}
		sig, ok := c.signature(n)
		if !ok {
			c.unsigned(n)
			continue
		}
		key, ok := c.in.Keys[n.d().Fingerprint]
		if !ok {
			n.set(Unverifiable, fmt.Sprintf("no public key with fingerprint %s (CloudTrail's keys for %s)", n.d().Fingerprint, n.name.Region))
			continue
		}
		switch err := VerifySignature(n.d(), n.file.SHA256, sig, key); {
		case err == nil:
			n.set(Valid, "signature verified ("+sig.Source+")")
		case errors.Is(err, errBadSignature):
			n.set(DigestInvalid, err.Error()+" ("+sig.Source+"): the digest was altered, or is not CloudTrail's")
		default:
			n.set(Unverifiable, err.Error())
		}
	}
}

func (c *checker) signature(n *node) (Signature, bool) {
	if s := n.file.Signature; s != nil {
		return *s, true
	}
	if s, ok := c.in.Signatures[baseName(n.d().Object)]; ok {
		return s, true
	}
	if s, ok := c.in.Signatures[baseName(n.file.Location)]; ok {
		return s, true
	}
	for _, next := range n.next {
		if p := next.d().PreviousSignature; p != nil {
			n.by = next.file.Location
			return Signature{Hex: *p, Source: "previousDigestSignature of the next digest"}, true
		}
	}
	return Signature{}, false
}

// unsigned says why a digest has no signature: it is the newest of its chain, or the digest after
// it is missing or broken.
func (c *checker) unsigned(n *node) {
	chain := c.chains[n.name.Chain()]
	i := slices.Index(chain, n)
	switch {
	case i == len(chain)-1:
		n.set(Unverifiable, reasonNewest)
	case chain[i+1].d().PreviousObject == nil || *chain[i+1].d().PreviousObject == "":
		n.set(Unverifiable, reasonLastOfRun)
	default:
		n.set(Unverifiable, "its signature is in the digest after it, which is missing or unreadable")
	}
}

// links compares each previousDigestHashValue with the SHA-256 of the digest it names. When they
// differ, the digest whose signature verified is believed and the other one is invalid.
func (c *checker) links() {
	for _, n := range c.nodes {
		for _, next := range n.next {
			want := next.d().PreviousHash
			if want == nil || strings.EqualFold(*want, hex.EncodeToString(n.file.SHA256[:])) {
				continue
			}
			switch {
			case n.status == Valid && next.status != DigestInvalid:
				next.set(DigestInvalid, fmt.Sprintf("its previousDigestHashValue is not the SHA-256 of %s, whose signature verified: this digest was altered", n.file.Location))
			case n.status != DigestInvalid:
				n.set(DigestInvalid, fmt.Sprintf("its SHA-256 is not the previousDigestHashValue that %s records: it was altered", next.file.Location))
			}
		}
	}
}

// findGaps finds the digests that chains name and that are not there. The digest before the oldest
// one found is not a gap: the files given simply start there.
func (c *checker) findGaps() {
	seen := map[string]bool{}
	for _, n := range c.nodes {
		p := n.d().PreviousObject
		if p == nil || *p == "" || len(c.byObject[*p]) > 0 || c.broken[baseName(*p)] || seen[*p] {
			continue
		}
		seen[*p] = true
		chain := c.chains[n.name.Chain()]
		var before *node
		for _, o := range chain {
			if o.end.Before(n.end) && o != n {
				before = o
			}
		}
		if before == nil {
			c.out.Notes = append(c.out.Notes, fmt.Sprintf("chain %s starts at %s: the digest before it (%s) is not among the files given",
				n.name.Chain(), n.file.Location, *p))
			continue
		}
		bucket := n.d().Bucket
		if b := n.d().PreviousBucket; b != nil {
			bucket = *b
		}
		g := gap{chain: n.name.Chain(), after: before.end, before: n.start, key: *p, resolvedAs: n.resolve(bucket, *p)}
		c.gaps = append(c.gaps, g)
		end, _ := ParseDigestName(*p)
		c.out.Results = append(c.out.Results, Result{File: g.resolvedAs, Kind: KindDigest, Status: DigestMissing, Digest: n.file.Location,
			Chain: g.chain, Time: end.End, Reason: fmt.Sprintf("named as the previous digest by %s, and not found: nothing vouches "+
				"for the log files delivered between %s and %s", n.file.Location, stamp(g.after), stamp(g.before))})
	}
}

// verdict is what one listing says of one copy of a log file.
type verdict struct {
	status Status
	digest string
	chain  string
	reason string
}

// worse orders verdicts on one log file: a mismatch with any digest wins, then a verified match.
func (v verdict) worse(than verdict) bool {
	rank := func(s Status) int {
		switch s {
		case Modified:
			return 0
		case Valid:
			return 1
		}
		return 2
	}
	return than.status == "" || rank(v.status) < rank(than.status)
}

// logs checks every log file against the digests that list it.
func (c *checker) logs() {
	byName := map[string][]int{}
	for i, l := range c.in.Logs {
		byName[baseName(l.Location)] = append(byName[baseName(l.Location)], i)
	}
	verdicts := make([]verdict, len(c.in.Logs))
	for _, n := range c.nodes {
		listed := map[string]bool{}
		for _, e := range n.d().LogFiles {
			if listed[e.Object] {
				continue
			}
			listed[e.Object] = true
			copies := byName[baseName(e.Object)]
			if len(copies) == 0 {
				ln, _ := ParseLogName(e.Object)
				c.out.Results = append(c.out.Results, Result{File: n.resolve(e.Bucket, e.Object), Kind: KindLog, Status: Missing,
					Digest: n.file.Location, Chain: n.name.Chain(), Time: ln.Time, Reason: "listed by its digest, and not found"})
				continue
			}
			for _, i := range copies {
				v := c.compare(n, e, c.in.Logs[i])
				if v.worse(verdicts[i]) {
					verdicts[i] = v
				}
			}
		}
	}
	insights, pending := 0, 0
	for i, l := range c.in.Logs {
		ln, _ := ParseLogName(l.Location)
		v := verdicts[i]
		if v.status == "" {
			if ln.Insight {
				insights++
				continue
			}
			if c.pending(ln) {
				pending++
				continue
			}
			v = verdict{status: NotCovered, reason: c.uncovered(ln)}
		}
		c.out.Results = append(c.out.Results, Result{File: l.Location, Kind: KindLog, Status: v.status, Digest: v.digest,
			Chain: v.chain, Time: ln.Time, Reason: v.reason})
	}
	if insights > 0 {
		c.out.Notes = append(c.out.Notes, fmt.Sprintf("%d CloudTrail-Insight files are listed by no digest: they were not checked", insights))
	}
	if pending > 0 {
		c.out.Notes = append(c.out.Notes, fmt.Sprintf("%d log files delivered in the last %s are not listed by a digest yet "+
			"(CloudTrail delivers one every hour): they were not checked", pending, DigestDue))
	}
}

// pending tells whether a log file that no digest lists is too recent for its digest to be due.
func (c *checker) pending(ln LogName) bool {
	if c.in.Now.IsZero() || ln.Account == "" || ln.Time.Before(c.in.Now.Add(-DigestDue)) {
		return false
	}
	newest, found := c.newest(ln)
	return found && !ln.Time.Before(newest)
}

// newest is the end of the newest regular digest of a log file's account and region.
func (c *checker) newest(ln LogName) (time.Time, bool) {
	var newest time.Time
	found := false
	for _, chain := range c.chains {
		n := chain[len(chain)-1]
		if n.name.Account == ln.Account && n.name.Region == ln.Region && !n.name.Backfill {
			found = true
			if n.end.After(newest) {
				newest = n.end
			}
		}
	}
	return newest, found
}

// compare checks one copy of a log file against one digest's entry for it.
func (c *checker) compare(n *node, e LogEntry, l LogFile) verdict {
	v := verdict{digest: n.file.Location, chain: n.name.Chain()}
	got := hex.EncodeToString(l.SHA256[:])
	switch {
	case e.HashAlgorithm != "" && e.HashAlgorithm != HashAlgorithm:
		v.status, v.reason = Unverifiable, fmt.Sprintf("its digest hashes it with %q, which trailscope does not know", e.HashAlgorithm)
	case l.Err != nil:
		v.status, v.reason = Modified, "cannot be read whole: "+l.Err.Error()
	case !isSHA256Hex(e.Hash):
		v.status, v.reason = Unverifiable, fmt.Sprintf("its digest's hashValue %q is not a SHA-256", e.Hash)
	case !strings.EqualFold(e.Hash, got):
		v.status, v.reason = Modified, fmt.Sprintf("SHA-256 %s; its digest says %s", got, strings.ToLower(e.Hash))
	case n.status == Valid:
		v.status, v.reason = Valid, "SHA-256 matches its digest"
	default:
		what := "could not be verified"
		if n.status == DigestInvalid {
			what = "is invalid"
		}
		v.status, v.reason = Unverifiable, "SHA-256 matches its digest, which "+what
	}
	return v
}

// uncovered says why no digest lists a log file, as far as the chains tell.
func (c *checker) uncovered(ln LogName) string {
	if ln.Account == "" {
		return "no digest lists it (its name is not CloudTrail's)"
	}
	for _, g := range c.gaps {
		n, _ := ParseDigestName(g.key)
		if n.Account == ln.Account && n.Region == ln.Region && !ln.Time.Before(g.after.Truncate(time.Minute)) && !ln.Time.After(g.before) {
			return "no digest lists it: the digest that would, " + g.resolvedAs + ", is missing"
		}
	}
	newest, found := c.newest(ln)
	switch {
	case !found:
		return fmt.Sprintf("no digest lists it: none of account %s in %s was found", ln.Account, ln.Region)
	case !ln.Time.Before(newest):
		return fmt.Sprintf("delivered after the newest digest of its chain (%s): the next digest would list it, or that digest is missing", stamp(newest))
	}
	return "no digest lists it: CloudTrail did not deliver it, or the digest that listed it is missing"
}

func (c *checker) summarise() {
	names := make([]string, 0, len(c.chains))
	for name := range c.chains {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		chain := c.chains[name]
		newest := chain[len(chain)-1]
		c.out.Chains = append(c.out.Chains, Chain{Name: name, Digests: len(chain), Start: chain[0].start, End: newest.end,
			Newest: newest.file.Location, NewestStatus: newest.status})
	}
	// A restart of logging or of validation begins a new chain: say where, as the AWS CLI does.
	for _, name := range names {
		chain := c.chains[name]
		for i, n := range chain {
			if i > 0 && (n.d().PreviousObject == nil || *n.d().PreviousObject == "") {
				c.out.Notes = append(c.out.Notes, fmt.Sprintf("chain %s: no digests between %s and %s (log file validation or logging was off)",
					name, stamp(chain[i-1].end), stamp(n.start)))
			}
		}
	}
}

func isSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format(time.RFC3339)
}
