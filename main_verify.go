package main

// This file wires log file integrity validation (source/verify, model/integrity) into the command
// line: `trailscope verify`, and the signed synthetic archives `trailscope synth --digests` writes.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/integrity"
	"github.com/trailscope/trailscope/source/lookup"
	s3src "github.com/trailscope/trailscope/source/s3"
	"github.com/trailscope/trailscope/source/synth/signing"
	"github.com/trailscope/trailscope/source/verify"
	"github.com/trailscope/trailscope/ui/report"
)

// exitNotIntact is verify's answer when some file is not shown intact.
const exitNotIntact = 1

// verifyFlags are the options of `trailscope verify`.
type verifyFlags struct {
	format       string
	keyFiles     []string
	saveKeys     string
	signatures   []string
	sigFiles     []string
	offline      bool
	profile      string
	problemsOnly bool
	since, until string             // with s3://: the window
	regions      []string           // with s3://
	accounts     []string           // with s3://
	keys         *lookup.PublicKeys // opened on the first fetch
	cmd          *cobra.Command
}

func newVerify(stdout, stderr io.Writer) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify [flags] PATH ... | s3://BUCKET/PREFIX",
		Short: "Check CloudTrail log file integrity with the trail's digest files (0 intact, 1 not, 2 error)",
		Long: `verify checks a copy of a trail's S3 bucket with the digest files that log file integrity
validation delivers every hour: each digest's signature (SHA256withRSA, with CloudTrail's public
key), the chain of digests (each records the hash and the signature of the one before), and the
SHA-256 of every log file they list. It reports every file: valid; modified (its hash differs
from its digest's); missing (a digest lists it, it is not there); not-covered (no digest lists
it); digest-missing (a gap in a chain); digest-invalid (a signature, or a hash recorded by the
next digest, is wrong); unverifiable (no public key, or no signature).

Offline, a digest's signature comes from the next digest, which repeats it: every digest but the
newest of each chain is checked. The newest digest's own signature is only in its S3 object's
metadata (x-amz-meta-signature), which a downloaded copy lacks: it is unverifiable, and so are
the log files it lists, unless you give its signature (--signature, --signatures).

From S3 (s3://BUCKET/PREFIX, the trail's bucket), the digests and log files delivered in the
window (--since, default 24h; --until; --region; --account) are listed, fetched into the S3 cache
and checked, and each digest's signature comes from its object's metadata: every digest can be
verified. Log files delivered in the last 90 minutes that no digest lists yet are left out (their
digest is not due).

The public keys come from --public-keys (the JSON that 'aws cloudtrail list-public-keys' prints),
or from CloudTrail's ListPublicKeys with your AWS credentials (--profile; --save-public-keys keeps
them for later offline runs); --offline never calls AWS.`,
		Example: `  trailscope verify ./evidence/AWSLogs
  trailscope verify --public-keys keys.json --offline --problems ./evidence
  trailscope verify --save-public-keys keys.json ./evidence        # fetch the keys once, with AWS access
  trailscope verify --signature 111122223333_CloudTrail-Digest_us-east-1_main_us-east-1_20240501T010203Z.json.gz=3be4... ./evidence
  trailscope verify --format json ./evidence | jq -r 'select(.status != "valid") | .file'
  trailscope verify --since 2024-05-01 --until 2024-05-08 --region us-east-1 s3://trail-bucket/AWSLogs/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.run(cmd.Context(), args, stdout, stderr)
		},
	}
	f.cmd = cmd
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "table", "output format: table, or json (one file per line)")
	fl.StringArrayVar(&f.keyFiles, "public-keys", nil, "CloudTrail's public keys: the JSON of 'aws cloudtrail list-public-keys' (repeatable, one a region)")
	fl.StringVar(&f.saveKeys, "save-public-keys", "", "write the public keys used (given and fetched) to FILE, for later offline runs")
	fl.StringArrayVar(&f.signatures, "signature", nil, "a digest's own signature, DIGEST=HEX (DIGEST: its file name or S3 key; the x-amz-meta-signature of its object)")
	fl.StringArrayVar(&f.sigFiles, "signatures", nil, `digests' saved metadata: a JSON file {"DIGEST KEY": {"signature": "HEX", "signature-algorithm": "SHA256withRSA"}}`)
	fl.BoolVar(&f.offline, "offline", false, "never call AWS: digests whose key is not given are unverifiable")
	fl.StringVar(&f.profile, "profile", "", "the AWS profile for ListPublicKeys and s3:// (default: AWS_PROFILE, or the default profile)")
	fl.BoolVar(&f.problemsOnly, "problems", false, "list only the files that are not valid")
	fl.StringVar(&f.since, "since", "", "with s3://: the window's start, a duration back (2h, 7d) or a time (2024-05-01T10:00Z) (default: 24h)")
	fl.StringVar(&f.until, "until", "", "with s3://: the window's end, a duration back or a time (default: now)")
	fl.StringSliceVar(&f.regions, "region", nil, "with s3://: the regions' folders to verify, comma-separated, -NAME leaves one out (default: all)")
	complete(cmd, "region", awsRegions)
	fl.StringSliceVar(&f.accounts, "account", nil, "with s3://: the accounts' folders to verify, comma-separated, -ID leaves one out (default: all)")
	return cmd
}

func (f *verifyFlags) run(ctx context.Context, paths []string, stdout, stderr io.Writer) error {
	format, err := report.ParseFindingsFormat(f.format)
	if err != nil {
		return err
	}
	archive, bucket, err := f.archive(ctx, paths)
	if err != nil {
		return err
	}
	opt := verify.Options{Keys: integrity.Keyring{}, Signatures: map[string]integrity.Signature{}}
	for _, file := range f.keyFiles {
		keys, err := readKeyFile(file)
		if err != nil {
			return err
		}
		opt.Keys.Add(keys...)
	}
	if err := f.readSignatures(opt.Signatures); err != nil {
		return err
	}
	if !f.offline {
		opt.Fetch = f.fetchKeys
	}
	start := time.Now()
	out, err := verify.Run(ctx, archive, opt)
	if err != nil {
		return err
	}
	if bucket != nil {
		st := bucket.Stats()
		fmt.Fprintf(stderr, "trailscope: %s: %d files fetched (%s), %d from the cache %s; %s to S3\n", bucket.Describe(),
			st.Fetched, cloudtrail.Size(st.Bytes), st.Cached, st.Cache, report.Count(st.Requests, "request"))
	}
	if f.saveKeys != "" {
		all := integrity.Keyring{}
		all.Add(opt.Keys.Keys()...)
		all.Add(out.Fetched...)
		b, err := integrity.MarshalKeyList(all.Keys())
		if err := writeFile(f.saveKeys, b, err); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "trailscope: %s saved to %s\n", report.Count(len(all), "public key"), f.saveKeys)
	}
	results := out.ByStatus()
	if f.problemsOnly {
		n := 0
		for n < len(results) && results[n].Status != integrity.Valid {
			n++
		}
		results = results[:n]
	}
	if err := report.WriteIntegrity(stdout, format, results); err != nil {
		return err
	}
	summarise(stderr, out, time.Since(start))
	if !out.OK() {
		return exitCode(exitNotIntact)
	}
	return nil
}

// archive is what the paths name: local files and folders, or one s3:// URL (bucket is then that
// bucket, reached).
func (f *verifyFlags) archive(ctx context.Context, paths []string) (verify.Archive, *verify.Bucket, error) {
	if !wantsS3(paths) {
		for _, name := range []string{"since", "until", "region", "account"} {
			if f.cmd.Flags().Changed(name) {
				return nil, nil, fmt.Errorf("--%s is an option of s3:// URLs: local files are verified whole", name)
			}
		}
		return verify.Dir(paths), nil, nil
	}
	if len(paths) > 1 {
		return nil, nil, fmt.Errorf("verify one s3:// URL at a time (%d given)", len(paths))
	}
	b, err := verify.OpenBucket(ctx, verify.BucketOptions{URL: paths[0], Since: f.since, Until: f.until, Regions: f.regions,
		Accounts: f.accounts, Client: s3src.ClientOptions{Profile: f.profile}})
	if err != nil {
		return nil, nil, err
	}
	return b, b, nil
}

// summarise tells what was checked and what could not be, on stderr.
func summarise(w io.Writer, out verify.Outcome, took time.Duration) {
	fmt.Fprintf(w, "trailscope: %s (%s read in %.1fs)\n", report.IntegritySummary(out.Report), cloudtrail.Size(out.Bytes), took.Seconds())
	for _, n := range out.Notes {
		fmt.Fprintln(w, "trailscope:", cloudtrail.Sanitize(n))
	}
	if out.Other > 0 {
		fmt.Fprintf(w, "trailscope: %s that are neither digests nor CloudTrail log files were not checked\n", report.Count(out.Other, "file"))
	}
	if out.NewestUnsigned() {
		fmt.Fprintln(w, "trailscope: the newest digest of a chain cannot be verified from a copy: its own signature is only in "+
			"its S3 object's metadata (x-amz-meta-signature). Give it with --signature DIGEST=HEX or --signatures FILE "+
			"(aws s3api head-object prints it under Metadata.signature) to verify it and the log files it lists.")
	}
	if out.OK() {
		fmt.Fprintln(w, "trailscope: every file is intact")
	}
}

// fetchKeys calls CloudTrail's ListPublicKeys with the user's AWS configuration (verify.Run calls it
// for one region after another).
func (f *verifyFlags) fetchKeys(ctx context.Context, region string, from, to time.Time) ([]integrity.PublicKey, error) {
	var err error
	if f.keys == nil {
		f.keys, err = lookup.OpenPublicKeys(ctx, lookup.Options{Profile: f.profile})
	}
	if err == nil {
		var got []integrity.PublicKey
		if got, err = f.keys.Fetch(ctx, region, from, to); err == nil {
			return got, nil
		}
	}
	return nil, fmt.Errorf("fetch CloudTrail's public keys: %w\n(give them with --public-keys FILE, or check only hashes and chains with --offline)", err)
}

func (f *verifyFlags) readSignatures(into map[string]integrity.Signature) error {
	for _, file := range f.sigFiles {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("read %s: %w", file, errors.Unwrap(err))
		}
		sigs, err := integrity.ParseSignatures(b, file)
		if err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		for k, s := range sigs {
			into[k] = s
		}
	}
	for _, s := range f.signatures {
		key, sig, ok := strings.Cut(s, "=")
		if _, err := hex.DecodeString(sig); !ok || key == "" || err != nil || sig == "" {
			return fmt.Errorf("--signature %q: give DIGEST=HEX, the digest's file name or S3 key and its x-amz-meta-signature", s)
		}
		into[integrity.SignatureKey(key)] = integrity.Signature{Hex: sig, Source: "--signature"}
	}
	return nil
}

func readKeyFile(file string) ([]integrity.PublicKey, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, errors.Unwrap(err))
	}
	keys, err := integrity.ParseKeyList(b)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return keys, nil
}

// writeFile writes what a marshaller returned, or says why it cannot.
func writeFile(file string, data []byte, err error) error {
	if err == nil {
		err = os.WriteFile(file, data, 0o644)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}

// signSynth signs a synthetic archive as a trail with log file validation would, with a key made for
// it, and writes beside it what a responder keeps: the public key (public-keys.json, as 'aws
// cloudtrail list-public-keys' prints it) and every digest's own signature (digest-signatures.json,
// the metadata S3 keeps with each digest).
func signSynth(dir string, start time.Time, days, backfill int, stdout io.Writer) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der := x509.MarshalPKCS1PublicKey(&key.PublicKey)
	// Any stable identifier serves: verifiers match fingerprints, they never compute them.
	sum := sha256.Sum256(der)
	fingerprint := hex.EncodeToString(sum[:16])
	ds, err := signing.WriteDigests(dir, signing.DigestOptions{Key: key, Fingerprint: fingerprint, Backfill: backfill})
	if err != nil {
		return err
	}
	pub := integrity.PublicKey{Fingerprint: fingerprint, Value: der, Start: start.AddDate(0, 0, -1), End: start.AddDate(0, 0, days+30)}
	b, err := integrity.MarshalKeyList([]integrity.PublicKey{pub})
	if err := writeFile(filepath.Join(dir, "public-keys.json"), b, err); err != nil {
		return err
	}
	sigs := map[string]integrity.Signature{}
	for k, s := range ds.Signatures {
		sigs[k] = integrity.Signature{Hex: s, Algorithm: integrity.SignatureAlgorithm}
	}
	b, err = integrity.MarshalSignatures(sigs)
	if err := writeFile(filepath.Join(dir, "digest-signatures.json"), b, err); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d digests (%d backfill) over %d log files, signed; the public key is in %s, each digest's own signature in %s\n",
		ds.Digests+ds.Backfill, ds.Backfill, ds.Logs, filepath.Join(dir, "public-keys.json"), filepath.Join(dir, "digest-signatures.json"))
	return nil
}
