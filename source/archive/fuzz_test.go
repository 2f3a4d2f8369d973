package archive

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// FuzzParse feeds arbitrary file contents to the streaming parser: nothing a file holds may crash it, every
// record it keeps lies inside the file, at the offset drill-down will re-read, and reading the file a byte
// at a time (every value split across reads) finds exactly what reading it in big chunks does.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Records":[` + invictusRecord + `]}`))
	f.Add([]byte(`[` + invictusRecord + `,` + invictusRecord + `]`))
	f.Add([]byte(invictusRecord + "\n{\"eventTime\":1}\n"))
	f.Add([]byte(`{"Events":[{"CloudTrailEvent":"{\"eventTime\":\"2023-07-10T11:42:36Z\",\"eventName\":\"X\"}"}]}`))
	f.Add([]byte("2023-07-10T11:42:36Z " + invictusRecord))
	f.Add([]byte(`{"digestStartTime":"x","logFiles":[]}`))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Add([]byte(`{"a":"\\"}` + "\n" + `{"b":[1,"]"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := parseAll(t, data, bytes.NewReader(data))
		bytewise := parseAll(t, data, iotest.OneByteReader(bytes.NewReader(data)))
		if !slices.Equal(whole, bytewise) {
			t.Fatalf("read whole:\n%q\nread a byte at a time:\n%q", whole, bytewise)
		}
	})
}

// parseAll parses data read from src and describes what it found: each record's place and each problem.
func parseAll(t *testing.T, data []byte, src interface{ Read([]byte) (int, error) }) []string {
	out := make(chan piece, 1<<10)
	s := newStream(src, 1<<30, nil)
	var found []string
	p := parser{file: "fuzz", s: s, batch: 1 << 30, out: out, decode: cloudtrail.DecodeRecord,
		raw: func(off int64, n int, rec []byte, escaped bool) cloudtrail.RawRef {
			if off < 0 || off+int64(n) > int64(len(data)) || n <= 0 {
				t.Fatalf("record at [%d,%d) outside a file of %d bytes", off, off+int64(n), len(data))
			}
			if !escaped && !bytes.Equal(rec, data[off:off+int64(n)]) {
				t.Fatalf("record at %d is not the file's bytes there", off)
			}
			found = append(found, fmt.Sprintf("record %d+%d", off, n))
			return cloudtrail.RawRef{Off: off, Len: n}
		}}
	p.parse()
	if p.n < len(p.records) {
		t.Fatalf("%d records kept of %d met", len(p.records), p.n)
	}
	for _, pr := range p.problems {
		found = append(found, fmt.Sprintf("problem %d: %s", pr.Record, pr.Reason))
	}
	return found
}
