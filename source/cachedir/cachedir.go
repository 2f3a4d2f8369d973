// Package cachedir keeps a source's files in the user's cache directory, privately (0600 files in
// 0700 folders: event history is sensitive) and atomically (a file is complete or absent, so its
// name can be trusted). LookupEvents pages and S3 objects are kept this way.
package cachedir

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Default is where the cache of the source called name lives unless told otherwise:
// trailscope/NAME in the user's cache directory (~/.cache on Linux, ~/Library/Caches on macOS,
// %LocalAppData% on Windows).
func Default(name string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache directory: %w (set XDG_CACHE_HOME or HOME, or use --no-cache)", err)
	}
	return filepath.Join(dir, "trailscope", name), nil
}

// Dir is one source's cache: the folder Root and everything under it.
type Dir struct {
	Root string

	private    sync.Once
	privateErr error
}

// MkdirAll creates dir and the folders above it up to the root, 0700, and makes the root (and the
// trailscope folder above it) private even if something else created them.
func (d *Dir) MkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create the cache: %w (use --no-cache to go without)", err)
	}
	d.private.Do(func() {
		dirs := []string{d.Root}
		if parent := filepath.Dir(d.Root); filepath.Base(parent) == "trailscope" {
			dirs = append(dirs, parent)
		}
		for _, p := range dirs {
			if err := os.Chmod(p, 0o700); err != nil {
				d.privateErr = fmt.Errorf("create the cache: %w", err)
			}
		}
	})
	return d.privateErr
}

// Write stores a file at path (under Root) atomically: write fills a temporary file (0600) beside
// it, which is renamed to path once write succeeds, or removed when it fails. With sync the data
// reaches the disk before the rename; without, a crash may leave a short file, which a caller that
// checks sizes will notice. Write returns write's error as it is.
func (d *Dir) Write(path string, sync bool, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := d.MkdirAll(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".part-*.tmp") // 0600
	if err != nil {
		return fmt.Errorf("write the cache: %w", err)
	}
	tmp := f.Name()
	err = write(f)
	wrote := err == nil
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		if wrote {
			return fmt.Errorf("write the cache: %w", err)
		}
		return err
	}
	return nil
}

// IsTemp tells whether a file name is one of Write's temporary files.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".part-") && strings.HasSuffix(name, ".tmp")
}

// Remove deletes a file of the cache (a file that could not be read back, say); paths outside
// Root are left alone.
func (d *Dir) Remove(path string) {
	if strings.HasPrefix(path, d.Root+string(filepath.Separator)) {
		os.Remove(path)
	}
}

// Usage counts the files and bytes the cache holds.
func (d *Dir) Usage() (files int, size int64, err error) {
	err = filepath.WalkDir(d.Root, func(_ string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if e.Type().IsRegular() {
			if info, err := e.Info(); err == nil {
				files++
				size += info.Size()
			}
		}
		return nil
	})
	return files, size, err
}

// Clear deletes the cache and says how much it held.
func (d *Dir) Clear() (files int, size int64, err error) {
	files, size, err = d.Usage()
	if err != nil {
		return 0, 0, fmt.Errorf("clear the cache %s: %w", d.Root, err)
	}
	if err := os.RemoveAll(d.Root); err != nil {
		return 0, 0, fmt.Errorf("clear the cache %s: %w", d.Root, err)
	}
	return files, size, nil
}
