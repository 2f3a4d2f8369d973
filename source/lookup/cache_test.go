package lookup

import (
	"reflect"
	"testing"
)

func TestGaps(t *testing.T) {
	w := span{100, 200}
	for _, tc := range []struct {
		cov  []span
		want []span
	}{
		{nil, []span{{100, 200}}},
		{[]span{{0, 300}}, nil},
		{[]span{{100, 200}}, nil},
		{[]span{{120, 150}}, []span{{150, 200}, {100, 120}}},
		{[]span{{0, 120}, {150, 160}, {190, 250}}, []span{{160, 190}, {120, 150}}},
		{[]span{{0, 50}, {250, 300}}, []span{{100, 200}}},
		{[]span{{180, 200}}, []span{{100, 180}}},
	} {
		if got := gaps(w, tc.cov); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("gaps(%v, %v) = %v, want %v", w, tc.cov, got, tc.want)
		}
	}
}

func TestCoverageMergesAdjacentPages(t *testing.T) {
	files := []cacheFile{{span: span{150, 200}}, {span: span{100, 150}}, {span: span{160, 160}}, {span: span{300, 400}}, {span: span{120, 130}}}
	want := []span{{100, 200}, {300, 400}}
	if got := coverage(files); !reflect.DeepEqual(got, want) {
		t.Errorf("coverage = %v, want %v", got, want)
	}
}

func TestFileNames(t *testing.T) {
	name := fileName(span{1688990000, 1688993000}, "0a1b2c3d", 7)
	if name != "1688990000-1688993000_0a1b2c3d_0007.json.gz" {
		t.Errorf("fileName = %s", name)
	}
	if s, ok := parseFileName(name); !ok || s != (span{1688990000, 1688993000}) {
		t.Errorf("parseFileName(%s) = %v, %v", name, s, ok)
	}
	for _, bad := range []string{".page-123.tmp", "notes.txt", "1-2.json.gz", "a-b_x_1.json.gz", ".1-2_x_1.json.gz"} {
		if _, ok := parseFileName(bad); ok {
			t.Errorf("parseFileName(%q) accepted it", bad)
		}
	}
	if a, b := keyDir("Username=Alice"), keyDir("Username=alice"); a == b {
		t.Errorf("attribute folders differ only in case: %s", a)
	}
	if d := keyDir("ResourceName=arn:aws:s3:::bucket/key with spaces"); len(d) > 100 || containsAny(d, `/\ `) {
		t.Errorf("keyDir gives an unsafe folder name %q", d)
	}
}

func containsAny(s, chars string) bool {
	for _, c := range chars {
		for _, d := range s {
			if c == d {
				return true
			}
		}
	}
	return false
}
