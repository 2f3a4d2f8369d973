package cloudtrail

import "testing"

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "2 kB", 3 << 20: "3.0 MB",
		5<<30 + 1<<29: "5.5 GB", 5 << 40: "5.00 TB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
