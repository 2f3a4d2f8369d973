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

// Size writes a number of bytes for people, in powers of 1024: "3.2 MB", "1.25 TB". Progress lines
// (a source's Detail) and the console write sizes with it.
func Size(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.2f TB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
