package archive

import (
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// FuzzParse feeds arbitrary file contents to the envelope parser: nothing a file holds may crash
// it, and every record it keeps lies inside the file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Records":[` + invictusRecord + `]}`))
	f.Add([]byte(`[` + invictusRecord + `,` + invictusRecord + `]`))
	f.Add([]byte(invictusRecord + "\n{\"eventTime\":1}\n"))
	f.Add([]byte(`{"Events":[{"CloudTrailEvent":"{\"eventTime\":\"2023-07-10T11:42:36Z\",\"eventName\":\"X\"}"}]}`))
	f.Add([]byte("2023-07-10T11:42:36Z " + invictusRecord))
	f.Add([]byte(`{"digestStartTime":"x","logFiles":[]}`))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := make(chan piece, 1<<10)
		p := parser{file: "fuzz", data: data, batch: 1 << 30, out: out,
			raw: func(start, end int, _ []byte, _ bool) cloudtrail.RawRef {
				if start < 0 || end > len(data) || start >= end {
					t.Fatalf("record at [%d,%d) outside a file of %d bytes", start, end, len(data))
				}
				return cloudtrail.RawRef{Off: int64(start), Len: end - start}
			}}
		p.parse()
		if p.n < len(p.records) {
			t.Fatalf("%d records kept of %d met", len(p.records), p.n)
		}
	})
}
