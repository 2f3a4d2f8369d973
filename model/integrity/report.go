package integrity

import (
	"slices"
	"time"
)

// Status is what a check says of a file.
type Status string

// The statuses, from the worst.
const (
	DigestInvalid Status = "digest-invalid" // a digest whose signature, or whose hash recorded by the next digest, is wrong; or unreadable
	DigestMissing Status = "digest-missing" // a digest the chain names that is not there: a gap
	Modified      Status = "modified"       // a log file whose SHA-256 differs from its digest's hashValue
	Missing       Status = "missing"        // a log file a digest lists that is not there
	NotCovered    Status = "not-covered"    // a log file no digest lists
	Unverifiable  Status = "unverifiable"   // no public key, or no signature (the newest digest offline), or listed by such a digest
	Valid         Status = "valid"
)

// Statuses lists every status, the worst first.
var Statuses = []Status{DigestInvalid, DigestMissing, Modified, Missing, NotCovered, Unverifiable, Valid}

// Rank orders statuses, the worst first.
func (s Status) Rank() int { return slices.Index(Statuses, s) }

// Kind tells digests from log files.
type Kind string

// The kinds of file.
const (
	KindDigest Kind = "digest"
	KindLog    Kind = "log"
)

// Result is the verdict on one file.
type Result struct {
	File   string // where it is: a path, or an S3 URL; for a missing file, where it would be
	Kind   Kind
	Status Status
	// Digest is the digest that vouches for the file: for a log file, the digest that lists it; for
	// a digest, the digest after it, whose previousDigestSignature is its signature (empty when the
	// signature came from elsewhere, or there is none).
	Digest string
	Chain  string    // account/region/trail, for digests and the log files they list
	Time   time.Time // a digest's end time; a log file's delivery time (from its name)
	Reason string    // what is wrong, or how it was checked
}

// Chain sums up one chain of digests.
type Chain struct {
	Name         string
	Digests      int       // digests found
	Start, End   time.Time // the span they cover
	Newest       string    // the newest digest's location
	NewestStatus Status
}

// Report is the verdict on an archive.
type Report struct {
	Results []Result
	Chains  []Chain
	Notes   []string // what a person should know that is no file's verdict (chains that start before the files given, ...)
}

// OK tells whether every file was shown intact.
func (r Report) OK() bool {
	for _, res := range r.Results {
		if res.Status != Valid {
			return false
		}
	}
	return true
}

// Count returns how many files of a kind have a status.
func (r Report) Count(k Kind, s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Kind == k && res.Status == s {
			n++
		}
	}
	return n
}

// ByStatus returns the results ordered the worst first, then by file.
func (r Report) ByStatus() []Result {
	out := slices.Clone(r.Results)
	slices.SortStableFunc(out, func(a, b Result) int {
		if c := a.Status.Rank() - b.Status.Rank(); c != 0 {
			return c
		}
		if a.File < b.File {
			return -1
		}
		if a.File > b.File {
			return 1
		}
		return 0
	})
	return out
}

// NewestUnsigned tells whether some chain's newest digest could not be verified for want of its
// signature, the usual case offline.
func (r Report) NewestUnsigned() bool {
	for _, res := range r.Results {
		if res.Kind == KindDigest && res.Status == Unverifiable && (res.Reason == reasonNewest || res.Reason == reasonLastOfRun) {
			return true
		}
	}
	return false
}
