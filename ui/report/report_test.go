package report

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
	"github.com/trailscope/trailscope/model/index"
)

// memStore keeps raw records in memory, one per offset.
type memStore [][]byte

func (m *memStore) Raw(off int64, n int) ([]byte, error) { return (*m)[off], nil }

// indexOf returns an index of events whose raw records are raws, a minute apart.
func indexOf(raws ...string) (*index.Index, []index.EventRef) {
	store := &memStore{}
	idx := index.New()
	for i, raw := range raws {
		*store = append(*store, []byte(raw))
		idx.Add([]cloudtrail.Record{{
			Time: time.Date(2024, 1, 1, 0, i, 0, 0, time.UTC), Name: "GetObject", EventID: fmt.Sprint(i),
			Raw: cloudtrail.RawRef{Store: store, Off: int64(i), Len: len(raw)},
		}})
	}
	q, _ := filter.ParseQuery("")
	return idx, idx.Query(q).Refs
}

func TestWriteJSON(t *testing.T) {
	// Bytes a terminal acts on: a C1 control (CSI, U+009B) and bytes that are not UTF-8.
	odd := "{\"userAgent\":\"a\u009b2Jb\",\"x\":\"\xff\"}"
	idx, refs := indexOf(`{"eventName":"A"}`, odd, "{\n  \"eventName\": \"C\"\n}")
	var done []int
	var b bytes.Buffer
	err := Write(context.Background(), &b, JSON, idx, refs, Options{Progress: func(n int) { done = append(done, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"eventName":"A"}` + "\n" + odd + "\n" + `{"eventName":"C"}` + "\n"; b.String() != want {
		t.Errorf("JSON lines for a file or a pipe:\n%q\nwant the records as they are, one a line:\n%q", b.String(), want)
	}
	if fmt.Sprint(done) != "[1 2 3]" {
		t.Errorf("progress %v, want [1 2 3]", done)
	}

	b.Reset()
	if err := Write(context.Background(), &b, JSON, idx, refs, Options{Terminal: true}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, "\u009b") || strings.Contains(out, "\xff") || !strings.Contains(out, `a\u009b2Jb`) {
		t.Errorf("JSON lines for a terminal should escape what it acts on: %q", out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Write(ctx, &b, JSON, idx, refs, Options{}); err != context.Canceled {
		t.Errorf("Write after its context ended = %v", err)
	}
}
