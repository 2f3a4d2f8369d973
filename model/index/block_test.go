package index

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/trailscope/trailscope/model/cloudtrail"
)

// varied returns record i of a load whose values repeat across batches (names, IPs, sessions, resources,
// accounts), so that later batches find most of them already in the index while preparing.
func varied(i int) cloudtrail.Record {
	return rec(i, fmt.Sprintf("Call%d", i%17), func(r *cloudtrail.Record) {
		r.SourceIP = fmt.Sprintf("10.0.%d.%d", i%7, i%251)
		r.Account = fmt.Sprintf("%012d", i%5)
		r.Identity.Account = fmt.Sprintf("%012d", i%3)
		r.Identity.Type = "AssumedRole"
		r.Identity.ARN = fmt.Sprintf("arn:aws:sts::%012d:assumed-role/R%d/s%d", i%3, i%11, i%97)
		r.Identity.AccessKey = fmt.Sprintf("ASIA%012d", i%389)
		r.Identity.IssuerARN = fmt.Sprintf("arn:aws:iam::%012d:role/R%d", i%3, i%11)
		r.Resources = []cloudtrail.Resource{{Kind: "ec2:instance", ID: fmt.Sprintf("i-%d", i%1009)}}
		if i%13 == 0 {
			r.ErrorCode = "AccessDenied"
		}
	})
}

// TestAddResolvesWhatTheIndexHolds loads the same records in one batch, in many batches (whose blocks find
// most values already held while preparing), and from two goroutines at once; every way gives the same
// answers, and repeated eventIDs are dropped across batches and goroutines.
func TestAddResolvesWhatTheIndexHolds(t *testing.T) {
	const n = 12000
	recs := make([]cloudtrail.Record, n)
	for i := range recs {
		recs[i] = varied(i)
	}
	one := New()
	one.Add(recs)
	many := New()
	for i := 0; i < n; i += 3000 {
		many.Add(recs[i : i+3000])
	}
	many.Add(recs[:4000]) // repeats: all dropped
	both := New()
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i := g * 1500; i < n; i += 3000 {
				both.Add(recs[i : i+1500])
			}
		})
	}
	wg.Wait()
	if runtime.GOMAXPROCS(0) < 2 {
		t.Log("one CPU: each batch is one block")
	}
	for _, x := range []*Index{one, many, both} {
		if x.Len() != n {
			t.Fatalf("%d events, want %d", x.Len(), n)
		}
		if x.idents.len() != one.idents.len() {
			t.Errorf("%d identities, want %d", x.idents.len(), one.idents.len())
		}
	}
	if many.Duplicates() != 4000 {
		t.Errorf("%d duplicates, want 4000", many.Duplicates())
	}
	for _, q := range []string{"event:Call3", "ip:10.0.2.9", "account:000000000002", "account:000000000001",
		"key:ASIA000000000042", "principal:R7", "resource:i-77", "error:AccessDenied", "principal:R10", "type:AssumedRole", "region:us-east-1"} {
		want := len(one.Query(mustParse(t, q)).Refs)
		if want == 0 {
			t.Errorf("%s: nothing in the index loaded at once", q)
		}
		for name, x := range map[string]*Index{"many batches": many, "two goroutines": both} {
			if got := len(x.Query(mustParse(t, q)).Refs); got != want {
				t.Errorf("%s: %d events loaded in %s, %d at once", q, got, name, want)
			}
		}
	}
}
