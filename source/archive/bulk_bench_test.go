package archive

import (
	"context"
	"testing"

	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// BenchmarkRawEach hands out the raw records of every event in time order, and of 5,000 spread
// over the archive, as `query --format json` does after its load.
//
//	TRAILSCOPE_BENCH_DIR=DIR go test ./source/archive -run '^$' -bench RawEach -benchtime 3x
func BenchmarkRawEach(b *testing.B) {
	idx := loadBench(b, benchDir(b))
	all := idx.Query(filter.Query{}).Refs
	spread := make([]index.EventRef, 0, 5000)
	for i := range 5000 {
		spread = append(spread, all[i*len(all)/5000])
	}
	for _, c := range []struct {
		name string
		refs []index.EventRef
	}{{"all", all}, {"5000 spread", spread}} {
		b.Run(c.name, func(b *testing.B) {
			var bytes int64
			for b.Loop() {
				bytes = 0
				err := idx.RawEach(context.Background(), c.refs, func(_ int, raw []byte) error {
					bytes += int64(len(raw))
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(bytes)
			b.ReportMetric(float64(len(c.refs)), "records")
		})
	}
}
