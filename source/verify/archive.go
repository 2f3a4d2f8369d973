// Package verify checks an archive's CloudTrail log file integrity: it finds the digest files and
// the log files, reads the digests, hashes the log files on every core, fetches CloudTrail's public
// keys when it may, and hands what it found to model/integrity, which judges.
//
// Where the files are is an Archive: local folders and files (Dir) here; an S3 bucket implements
// the same interface, and Signed as well, since S3 keeps each digest's own signature in the digest
// object's metadata.
package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/trailscope/trailscope/model/integrity"
)

// File is one file of an archive.
type File struct {
	Location string // a path or an S3 URL, with forward slashes: what the report names
	Size     int64
	// Named says the user named this file (not a folder it is in): it is read as a log file
	// whatever its name, unless it is a digest.
	Named bool
}

// Archive is where the files to verify are.
type Archive interface {
	// Files calls fn for every file of the archive (digests, log files and anything else).
	Files(ctx context.Context, fn func(File) error) error
	// Open reads a file's bytes as stored, gzipped or not.
	Open(ctx context.Context, f File) (io.ReadCloser, error)
}

// Signed is an archive that keeps each digest's own signature beside it, as S3 does in the digest
// object's metadata (x-amz-meta-signature and x-amz-meta-signature-algorithm).
type Signed interface {
	Archive
	// Signature returns a digest's own signature; nil when the archive has none for it.
	Signature(ctx context.Context, digest File) (*integrity.Signature, error)
}

// Finder is an archive listed for a window of time, as a Bucket is: the first digests of the
// window list log files delivered just before it, which the listing left out. Run asks for each
// log file a digest lists and the listing did not find.
type Finder interface {
	Archive
	// Find looks a log file up where a digest says it is (bucket and key); false when it is not there.
	Find(ctx context.Context, bucket, key string) (File, bool, error)
}

// Remote is an archive whose files are fetched over the network: Run opens Parallel of them at once
// (rather than one a core), since fetching is bound by latency.
type Remote interface {
	Archive
	Parallel() int
}

// Dir is an archive on the local disk: files, and folders walked recursively.
type Dir []string

// Files walks the paths. A path that does not exist is an error.
func (d Dir) Files(ctx context.Context, fn func(File) error) error {
	for _, p := range d {
		info, err := os.Stat(p)
		if err != nil {
			return readError(p, err)
		}
		if !info.IsDir() {
			if err := fn(File{Location: filepath.ToSlash(p), Size: info.Size(), Named: true}); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return readError(path, err)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !e.Type().IsRegular() {
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return readError(path, err)
			}
			return fn(File{Location: filepath.ToSlash(path), Size: info.Size()})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Open opens a local file.
func (Dir) Open(_ context.Context, f File) (io.ReadCloser, error) {
	return os.Open(filepath.FromSlash(f.Location))
}

// readError says which path could not be read, once (an *fs.PathError names it already).
func readError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("read %s: %w", path, err)
}
