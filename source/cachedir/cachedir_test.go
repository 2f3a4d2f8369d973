package cachedir

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteIsPrivateAndAtomic(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "trailscope")
	if err := os.MkdirAll(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	d := &Dir{Root: filepath.Join(parent, "s3")}
	path := filepath.Join(d.Root, "bucket", "a", "file.json.gz")
	if err := d.Write(path, false, func(w io.Writer) error { _, err := w.Write([]byte("data")); return err }); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{parent: 0o700, d.Root: 0o700, filepath.Dir(path): 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), want)
		}
	}

	failed := errors.New("the connection dropped")
	other := filepath.Join(d.Root, "bucket", "a", "other.json.gz")
	err := d.Write(other, true, func(w io.Writer) error { w.Write([]byte("half")); return failed })
	if err != failed {
		t.Errorf("Write = %v, want the writer's own error", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 || entries[0].Name() != "file.json.gz" {
		t.Errorf("a failed write left files behind: %v", entries)
	}

	if n, size, err := d.Usage(); n != 1 || size != 4 || err != nil {
		t.Errorf("Usage = %d, %d, %v", n, size, err)
	}
	d.Remove("/etc/passwd") // outside the cache: left alone, and no panic
	if n, size, err := d.Clear(); n != 1 || size != 4 || err != nil {
		t.Errorf("Clear = %d, %d, %v", n, size, err)
	}
	if _, err := os.Stat(d.Root); !os.IsNotExist(err) {
		t.Errorf("the cache is still there: %v", err)
	}
	if n, _, err := d.Usage(); n != 0 || err != nil {
		t.Errorf("Usage of a missing cache = %d, %v", n, err)
	}
}
