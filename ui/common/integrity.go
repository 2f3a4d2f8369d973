package common

import (
	"fmt"
	"path"
	"path/filepath"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/integrity"
)

// Integrity is what the check of the loaded files' log file integrity found: `trailscope verify`'s
// check, which the console runs in the background once the load is done. The root replaces it
// whole; nothing in it changes after it is made, so a page built off the UI loop may read a copy.
type Integrity struct {
	Running bool
	Done    bool              // the check ran (Report nil: the files hold no digests)
	Err     error             // the check failed: said on the status line
	Report  *integrity.Report // nil while it runs, and when the files hold no digests
	files   map[string]int    // each log file's result (its index in Report.Results), by its path
	local   map[string]string // the path a file named otherwise was read from (an S3 object's copy)
}

// NewIntegrity indexes a report's log files by the path their events were read from: local[File]
// when the report names a file otherwise (an S3 object, read from its copy in the cache), else
// File itself.
func NewIntegrity(r integrity.Report, local map[string]string) Integrity {
	in := Integrity{Done: true, Report: &r, files: map[string]int{}, local: local}
	for i, res := range r.Results {
		if res.Kind != integrity.KindLog {
			continue
		}
		file := res.File
		if l, ok := local[file]; ok {
			file = l
		}
		in.files[canonical(file)] = i
	}
	return in
}

// ReadFrom is the path a result's file was read from when loaded: its copy in the cache for an S3
// object, else the file the result names.
func (in Integrity) ReadFrom(res integrity.Result) string {
	if l, ok := in.local[res.File]; ok {
		return l
	}
	return res.File
}

// FileFilter is the filter of the events read from file: file: with the file's name
// (CloudTrail's file names are unique: account, region, time and a random part; a relative and an
// absolute path to the same file agree on it).
func FileFilter(file string) string {
	return filter.Term{Field: filter.FieldFile, Values: []string{path.Base(filepath.ToSlash(file))}}.String()
}

// canonical is a path as the index of files keys it: absolute and clean, so that ./a/b and a/b meet.
func canonical(path string) string {
	if abs, err := filepath.Abs(filepath.FromSlash(path)); err == nil {
		return abs
	}
	return path
}

// Of returns the verdict on the file an event was read from; false when it is unknown (no check,
// or an event whose source is no file).
func (in Integrity) Of(r cloudtrail.Record) (integrity.Result, bool) {
	fs, ok := r.Raw.Store.(cloudtrail.FileStore)
	if !ok || len(in.files) == 0 {
		return integrity.Result{}, false
	}
	file := fs.File(r.Raw.Off)
	if file == "" {
		return integrity.Result{}, false
	}
	i, ok := in.files[canonical(file)]
	if !ok {
		return integrity.Result{}, false
	}
	return in.Report.Results[i], true
}

// Untrusted tells whether a file's events cannot be trusted: it does not match its digest, or no
// digest lists it.
func Untrusted(res integrity.Result) bool {
	return res.Status == integrity.Modified || res.Status == integrity.NotCovered
}

// Problems counts the files whose status is neither valid nor unverifiable.
func (in Integrity) Problems() (problems, unverifiable int) {
	if in.Report == nil {
		return 0, 0
	}
	for _, res := range in.Report.Results {
		switch res.Status {
		case integrity.Valid:
		case integrity.Unverifiable:
			unverifiable++
		default:
			problems++
		}
	}
	return problems, unverifiable
}

// Word is what the status line says of the check: "verifying…", "verified", "integrity: 3 problems";
// "" when there is nothing to say (no check, or no digests).
func (in Integrity) Word() string {
	problems, unverifiable := in.Problems()
	switch {
	case in.Running:
		return "verifying…"
	case in.Err != nil:
		return "integrity: not checked"
	case in.Report == nil:
		return ""
	case problems == 1:
		return "integrity: 1 problem"
	case problems > 0:
		return fmt.Sprintf("integrity: %d problems", problems)
	case unverifiable > 0:
		return fmt.Sprintf("integrity: %d unverifiable", unverifiable)
	}
	return "verified"
}

// Note says what the verdict on an event's file means for the event, for the detail.
func Note(res integrity.Result) string {
	switch res.Status {
	case integrity.Valid:
		return "from a file that matches its digest"
	case integrity.Modified:
		return "from a file that does not match its digest: " + res.Reason
	case integrity.NotCovered:
		return "from a file that no digest lists: " + res.Reason
	}
	return "from a file that could not be verified: " + res.Reason
}
