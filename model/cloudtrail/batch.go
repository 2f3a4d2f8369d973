package cloudtrail

import (
	"fmt"
	"time"
)

// Batch is what a source sends as it reads: records to add, problems met, and progress so far.
// Sources send batches of thousands of records (or every ~100 ms), never one record at a time.
type Batch struct {
	Records  []Record
	Problems []Problem
	Progress Progress
}

// Problem is input that could not be read: a file, the record's position in it when known, and why.
type Problem struct {
	File   string
	Record int // 1-based position of the record in the file; 0 when the problem is the file itself
	Reason string
}

// String says where the problem is and what it is: "file: record 3: reason".
func (p Problem) String() string {
	if p.Record > 0 {
		return fmt.Sprintf("%s: record %d: %s", p.File, p.Record, p.Reason)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Reason)
}

// Progress says how far a source has come. Totals are zero when unknown (stdin, an API).
type Progress struct {
	Files, FilesDone int
	Bytes, BytesDone int64 // bytes as stored (compressed where the files are)
	Records          int   // records read so far, duplicates included
	Passed           int   // records a query's prefilter passed over unread (archive.Options.Keep)
	Problems         int
	Skipped          int    // files recognised and deliberately not read (digest files)
	Detail           string // a source's own words on where it is ("us-east-1: page 12")
	Elapsed          time.Duration
	Done             bool
}
