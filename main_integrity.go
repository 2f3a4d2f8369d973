package main

// This file wires log file integrity into the console: once a local archive or an s3:// bucket is
// loaded, the console checks its files against their digests in the background (source/verify),
// offline, with the public keys of --public-keys or found beside the archive.

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/trailscope/trailscope/model/integrity"
	s3src "github.com/trailscope/trailscope/source/s3"
	"github.com/trailscope/trailscope/source/scope"
	"github.com/trailscope/trailscope/source/verify"
)

// check checks the log file integrity of what a source read. It returns the report (nil when the
// files hold no digests) and, for results that name a file otherwise than the path its events were
// read from (an S3 object and its copy in the cache), that path.
type check func(ctx context.Context) (*integrity.Report, map[string]string, error)

// The files a responder keeps beside an archive, which the console's check reads when they are
// there: CloudTrail's public keys (as `aws cloudtrail list-public-keys` prints them, and as
// `trailscope synth --digests` and `verify --save-public-keys` write them) and the digests' own
// signatures (their S3 objects' metadata).
const (
	besideKeys       = "public-keys.json"
	besideSignatures = "digest-signatures.json"
)

// checkFiles checks local files and folders, with the keys and signatures kept beside them (in a
// folder given, or the folder above it; beside a file given).
func (f *sourceFlags) checkFiles(paths []string) check {
	return func(ctx context.Context) (*integrity.Report, map[string]string, error) {
		opt, err := f.checkOptions()
		if err != nil {
			return nil, nil, err
		}
		for _, p := range paths {
			dirs := []string{filepath.Dir(p)}
			if info, err := os.Stat(p); err == nil && info.IsDir() {
				dirs = []string{p, filepath.Dir(filepath.Clean(p))}
			}
			for _, dir := range dirs {
				if err := readBeside(dir, opt); err != nil {
					return nil, nil, err
				}
			}
		}
		opt.Workers = max(runtime.GOMAXPROCS(0)-1, 1) // a core stays with the console
		r, err := runCheck(ctx, verify.Dir(paths), opt)
		return r, nil, err
	}
}

// checkBucket checks the window of a trail's bucket that the console read, the files from the S3
// cache (where the load left the log files), each digest's signature from its object's metadata.
func (f *sourceFlags) checkBucket(url string, w scope.Window) check {
	return func(ctx context.Context) (*integrity.Report, map[string]string, error) {
		opt, err := f.checkOptions()
		if err != nil {
			return nil, nil, err
		}
		b, err := verify.OpenBucket(ctx, verify.BucketOptions{URL: url, Since: w.From.Format(time.RFC3339), Until: w.To.Format(time.RFC3339),
			Regions: f.lookup.regions, Accounts: f.s3.accounts, Client: s3src.ClientOptions{Profile: f.lookup.profile}})
		if err != nil {
			return nil, nil, err
		}
		r, err := runCheck(ctx, b, opt)
		return r, b.CachePaths(), err
	}
}

// checkOptions are the options of the console's check: offline, with the keys of --public-keys.
func (f *sourceFlags) checkOptions() (verify.Options, error) {
	opt := verify.Options{Keys: integrity.Keyring{}, Signatures: map[string]integrity.Signature{}}
	for _, file := range f.publicKeys {
		keys, err := readKeyFile(file)
		if err != nil {
			return opt, err
		}
		opt.Keys.Add(keys...)
	}
	return opt, nil
}

// readBeside adds the keys and signatures kept in dir, if any.
func readBeside(dir string, opt verify.Options) error {
	keys, err := readKeyFile(filepath.Join(dir, besideKeys))
	switch {
	case err == nil:
		opt.Keys.Add(keys...)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	file := filepath.Join(dir, besideSignatures)
	b, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	sigs, err := integrity.ParseSignatures(b, file)
	if err != nil {
		return err
	}
	for k, s := range sigs {
		opt.Signatures[k] = s
	}
	return nil
}

// runCheck runs the check; no digests is no report, not an error.
func runCheck(ctx context.Context, a verify.Archive, opt verify.Options) (*integrity.Report, error) {
	out, err := verify.Run(ctx, a, opt)
	switch {
	case errors.Is(err, verify.ErrNoDigests):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &out.Report, nil
}
