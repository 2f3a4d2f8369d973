// Package signing signs a synthetic archive as a trail with log file validation does: hourly digests
// chained by hash and signature, for the tests and benchmarks of `trailscope verify`.
package signing

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/model/integrity"
)

// DigestOptions says how to sign an archive as CloudTrail's log file integrity validation does.
type DigestOptions struct {
	Key         *rsa.PrivateKey // signs every digest (CloudTrail uses one key per region; one key serves here)
	Fingerprint string          // the key's identifier, written into each digest
	Bucket      string          // the S3 bucket the archive pretends to be in; "trailscope-synth" when empty
	Trail       string          // the trail's name; "main" when empty
	HomeRegion  string          // the trail's home region; "us-east-1" when empty
	// Backfill, when positive, leaves every Backfill-th log file of a region out of its hour's digest
	// and lists it in a backfill digest (one a day, in a chain of their own), as CloudTrail does for
	// log files that missed their digest.
	Backfill int
}

// Digests is what WriteDigests wrote.
type Digests struct {
	Digests  int // regular digests, empty ones included
	Backfill int // backfill digests
	Logs     int // log files listed
	// Signatures holds each digest's own signature (hex), by S3 key: what S3 keeps in the digest
	// object's metadata (x-amz-meta-signature), and what a copy of the files lacks.
	Signatures map[string]string
}

// logFileName matches a CloudTrail log file: account, region, delivery time.
var logFileName = regexp.MustCompile(`^([0-9]{12})_CloudTrail_([a-z0-9-]+)_([0-9]{8}T[0-9]{4}Z)_[A-Za-z0-9]+\.json(\.gz)?$`)

// WriteDigests signs the archive under dir as a trail with log file validation does: for every
// account and region with log files under dir/AWSLogs, one digest an hour from the first delivery
// to the last (empty hours included), each listing the SHA-256 of the uncompressed log files
// delivered in it, chained to the previous digest by its hash and signature, and signed
// SHA256withRSA. The digests go beside the logs' CloudTrail folder, as CloudTrail puts them:
// AWSLogs/[o-ORG/]ACCOUNT/CloudTrail-Digest/REGION/Y/M/D/, gzipped.
//
// The digest is written in model/integrity's Digest (whose field names the real samples check), but
// the string to sign and the hashes are built here from the documentation, apart from
// model/integrity's verification, so that the verifier is tested against an independent signer.
func WriteDigests(dir string, opt DigestOptions) (Digests, error) {
	if opt.Key == nil || opt.Fingerprint == "" {
		return Digests{}, errors.New("world: WriteDigests needs a key and its fingerprint")
	}
	opt.Bucket = cmp.Or(opt.Bucket, "trailscope-synth")
	opt.Trail = cmp.Or(opt.Trail, "main")
	opt.HomeRegion = cmp.Or(opt.HomeRegion, "us-east-1")
	logs, err := findLogs(dir)
	if err != nil {
		return Digests{}, err
	}
	if err := hashLogs(logs); err != nil {
		return Digests{}, err
	}
	streams := map[[2]string][]*logFile{}
	for _, l := range logs {
		k := [2]string{l.base, l.region}
		streams[k] = append(streams[k], l)
	}
	out := Digests{Signatures: map[string]string{}}
	byName := func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }
	for _, k := range slices.SortedFunc(maps.Keys(streams), byName) {
		l := streams[k][0]
		w := &digestWriter{dir: dir, opt: opt, base: l.base, account: l.account, region: l.region, out: &out}
		if err := w.stream(streams[k]); err != nil {
			return out, err
		}
	}
	return out, nil
}

type logFile struct {
	path            string
	key             string // S3 key: the path under dir, with slashes
	account, region string
	base            string // the key up to the account's CloudTrail folder: AWSLogs/[o-ORG/]ACCOUNT
	at              time.Time
	sum             [32]byte
}

func findLogs(dir string) ([]*logFile, error) {
	var logs []*logFile
	err := filepath.WalkDir(filepath.Join(dir, "AWSLogs"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		m := logFileName.FindStringSubmatch(d.Name())
		if m == nil {
			return nil
		}
		at, err := time.Parse("20060102T1504Z", m[3])
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		base, _, ok := strings.Cut(key, "/CloudTrail/")
		if !ok {
			return nil
		}
		logs = append(logs, &logFile{path: path, key: key, base: base, account: m[1], region: m[2], at: at})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("world: list the log files: %w", err)
	}
	slices.SortFunc(logs, func(a, b *logFile) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.key, b.key)) })
	return logs, nil
}

// hashLogs computes the SHA-256 of every log file's uncompressed bytes, on every core.
func hashLogs(logs []*logFile) error {
	jobs := make(chan *logFile)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for l := range jobs {
				if err := hashFile(l); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for _, l := range logs {
		jobs <- l
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func hashFile(l *logFile) error {
	f, err := os.Open(l.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(l.key, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("world: %s: %w", l.key, err)
		}
		r = zr
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return fmt.Errorf("world: %s: %w", l.key, err)
	}
	h.Sum(l.sum[:0])
	return nil
}

// digestWriter writes the chains of one account and region.
type digestWriter struct {
	dir, base, account, region string
	opt                        DigestOptions
	out                        *Digests
}

// link is the end of a chain so far: what the next digest repeats.
type link struct {
	object, hash, signature string
}

func (w *digestWriter) stream(logs []*logFile) error {
	var regular, late []*logFile
	for i, l := range logs {
		if w.opt.Backfill > 0 && i%w.opt.Backfill == w.opt.Backfill-1 {
			late = append(late, l)
		} else {
			regular = append(regular, l)
		}
	}
	first, last := logs[0].at.Truncate(time.Hour), logs[len(logs)-1].at.Truncate(time.Hour)
	var prev *link
	i := 0
	for h := first; !h.After(last); h = h.Add(time.Hour) {
		var in []*logFile
		for ; i < len(regular) && regular[i].at.Before(h.Add(time.Hour)); i++ {
			in = append(in, regular[i])
		}
		var err error
		if prev, err = w.write(h, h.Add(time.Hour), in, prev, false); err != nil {
			return err
		}
		w.out.Digests++
		w.out.Logs += len(in)
	}
	prev = nil
	for i := 0; i < len(late); {
		day := late[i].at.Truncate(24 * time.Hour)
		var in []*logFile
		for ; i < len(late) && late[i].at.Before(day.Add(24*time.Hour)); i++ {
			in = append(in, late[i])
		}
		var err error
		if prev, err = w.write(day, day.Add(24*time.Hour), in, prev, true); err != nil {
			return err
		}
		w.out.Backfill++
		w.out.Logs += len(in)
	}
	return nil
}

// write signs and writes one digest over the log files delivered in [start, end).
func (w *digestWriter) write(start, end time.Time, logs []*logFile, prev *link, backfill bool) (*link, error) {
	suffix := ""
	if backfill {
		suffix = "_backfill"
	}
	key := fmt.Sprintf("%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s%s.json.gz", w.base, w.region,
		end.Format("2006/01/02"), w.account, w.region, w.opt.Trail, w.opt.HomeRegion, end.Format("20060102T150405Z"), suffix)
	d := integrity.Digest{AccountID: w.account, StartTime: stamp(start), EndTime: stamp(end), Bucket: w.opt.Bucket, Object: key,
		Fingerprint: w.opt.Fingerprint, SignatureAlgorithm: "SHA256withRSA", LogFiles: []integrity.LogEntry{}}
	if prev != nil {
		sha := "SHA-256"
		d.PreviousBucket, d.PreviousObject, d.PreviousHash = &w.opt.Bucket, &prev.object, &prev.hash
		d.PreviousHashAlg, d.PreviousSignature = &sha, &prev.signature
	}
	for _, l := range logs {
		newest, oldest := stamp(l.at), stamp(l.at.Add(-5*time.Minute))
		d.LogFiles = append(d.LogFiles, integrity.LogEntry{Bucket: w.opt.Bucket, Object: l.key, Hash: hex.EncodeToString(l.sum[:]),
			HashAlgorithm: "SHA-256", NewestEventTime: &newest, OldestEventTime: &oldest})
	}
	if len(logs) > 0 {
		oldest, newest := stamp(logs[0].at.Add(-5*time.Minute)), stamp(logs[len(logs)-1].at)
		d.OldestEventTime, d.NewestEventTime = &oldest, &newest
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	// CloudTrail escapes slashes; a slash occurs only inside strings in JSON.
	raw = bytes.ReplaceAll(raw, []byte("/"), []byte(`\/`))
	sum := sha256.Sum256(raw)
	previous := "null"
	if prev != nil {
		previous = prev.signature
	}
	signed := sha256.Sum256([]byte(d.EndTime + "\n" + d.Bucket + "/" + key + "\n" + hex.EncodeToString(sum[:]) + "\n" + previous))
	sig, err := rsa.SignPKCS1v15(nil, w.opt.Key, crypto.SHA256, signed[:])
	if err != nil {
		return nil, err
	}
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	path := filepath.Join(w.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, zbuf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	w.out.Signatures[key] = hex.EncodeToString(sig)
	return &link{object: key, hash: hex.EncodeToString(sum[:]), signature: hex.EncodeToString(sig)}, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
