// Package integrity checks CloudTrail log file integrity validation: the hourly digest files that
// list the SHA-256 of every log file delivered, chained to each other by the previous digest's hash
// and signature and signed SHA256withRSA. It is pure: the caller reads the files, hashes them and
// hands over what it found (Input); Check says of each file whether it is valid or what is wrong.
//
// The algorithm is the one CloudTrail documents ("Custom implementations of CloudTrail log file
// integrity validation"): a digest's signature covers the string
//
//	digestEndTime + "\n" + digestS3Bucket + "/" + digestS3Object + "\n" +
//	hex(SHA-256 of the uncompressed digest) + "\n" + previousDigestSignature (or "null")
//
// as RSA PKCS#1 v1.5 over its SHA-256, with the public key whose fingerprint equals the digest's
// digestPublicKeyFingerprint. A fingerprint is an identifier that ListPublicKeys returns beside each
// key: CloudTrail does not document how it is computed, and it is only ever compared, never derived
// (as the AWS CLI's validate-logs does). A log file's hashValue is the SHA-256 of its uncompressed
// bytes; previousDigestHashValue is the SHA-256 of the previous uncompressed digest.
//
// A digest's own signature is kept in its S3 object's metadata (x-amz-meta-signature), and the next
// digest repeats it as previousDigestSignature. Offline, then, every digest of a chain but the newest
// can be checked; the newest is unverifiable unless its signature is given.
package integrity

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Digest is a digest file's content: the fields CloudTrail writes, as written. Times stay the
// strings of the file, since digestEndTime is signed as text.
type Digest struct {
	AccountID          string     `json:"awsAccountId"`
	StartTime          string     `json:"digestStartTime"`
	EndTime            string     `json:"digestEndTime"`
	Bucket             string     `json:"digestS3Bucket"`
	Object             string     `json:"digestS3Object"`
	Fingerprint        string     `json:"digestPublicKeyFingerprint"`
	SignatureAlgorithm string     `json:"digestSignatureAlgorithm"`
	NewestEventTime    *string    `json:"newestEventTime"`
	OldestEventTime    *string    `json:"oldestEventTime"`
	PreviousBucket     *string    `json:"previousDigestS3Bucket"`
	PreviousObject     *string    `json:"previousDigestS3Object"`
	PreviousHash       *string    `json:"previousDigestHashValue"`
	PreviousHashAlg    *string    `json:"previousDigestHashAlgorithm"`
	PreviousSignature  *string    `json:"previousDigestSignature"`
	LogFiles           []LogEntry `json:"logFiles"`
}

// LogEntry is one log file a digest lists.
type LogEntry struct {
	Bucket          string  `json:"s3Bucket"`
	Object          string  `json:"s3Object"`
	Hash            string  `json:"hashValue"`
	HashAlgorithm   string  `json:"hashAlgorithm"`
	NewestEventTime *string `json:"newestEventTime"`
	OldestEventTime *string `json:"oldestEventTime"`
}

// The algorithms CloudTrail uses, as digests name them.
const (
	SignatureAlgorithm = "SHA256withRSA"
	HashAlgorithm      = "SHA-256"
)

// ErrNotDigest says that a file is JSON but not a CloudTrail digest.
var ErrNotDigest = errors.New("not a CloudTrail digest file")

// ParseDigest reads a digest file's uncompressed bytes. It checks that the fields a verification
// needs are there; the values themselves are judged by Check.
func ParseDigest(data []byte) (Digest, error) {
	var d Digest
	if err := json.Unmarshal(data, &d); err != nil {
		return Digest{}, fmt.Errorf("invalid digest JSON: %w", err)
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"digestEndTime", d.EndTime}, {"digestStartTime", d.StartTime}, {"digestS3Bucket", d.Bucket},
		{"digestS3Object", d.Object}, {"digestPublicKeyFingerprint", d.Fingerprint},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) == 5 {
		return Digest{}, ErrNotDigest
	}
	if len(missing) > 0 {
		return Digest{}, fmt.Errorf("%w: no %s", ErrNotDigest, strings.Join(missing, ", "))
	}
	if _, ok := ParseDigestName(d.Object); !ok {
		return Digest{}, fmt.Errorf("%w: digestS3Object %q is not named as CloudTrail names digests", ErrNotDigest, d.Object)
	}
	if _, err := d.End(); err != nil {
		return Digest{}, fmt.Errorf("digestEndTime %q: %w", d.EndTime, err)
	}
	return d, nil
}

// End is the digest's digestEndTime.
func (d Digest) End() (time.Time, error) { return time.Parse(time.RFC3339, d.EndTime) }

// Start is the digest's digestStartTime.
func (d Digest) Start() (time.Time, error) { return time.Parse(time.RFC3339, d.StartTime) }

// Name is what the digest's object key says about it.
func (d Digest) Name() DigestName {
	n, _ := ParseDigestName(d.Object)
	return n
}

// Location is the digest's S3 location as signed: bucket/key.
func (d Digest) Location() string { return d.Bucket + "/" + d.Object }

// DigestName is what a digest file's name says:
// ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ[_backfill].json.gz.
type DigestName struct {
	Account    string
	Region     string // the region the digest covers
	Trail      string
	HomeRegion string // the trail's home region
	End        time.Time
	Backfill   bool // a backfill digest: log files a regular digest missed, in a chain of their own
}

// Chain names the chain a digest belongs to: digests chain per account, region and trail, and
// backfill digests chain apart from regular ones.
func (n DigestName) Chain() string {
	c := n.Account + "/" + n.Region + "/" + n.Trail
	if n.HomeRegion != n.Region {
		c += " (home " + n.HomeRegion + ")"
	}
	if n.Backfill {
		c += " backfill"
	}
	return c
}

const digestMarker = "_CloudTrail-Digest_"

// ParseDigestName reads a digest's S3 key or file name (a local copy may have lost its .gz).
func ParseDigestName(key string) (DigestName, bool) {
	base := path.Base(strings.ReplaceAll(key, `\`, "/"))
	account, rest, ok := strings.Cut(base, digestMarker)
	if !ok || !isAccount(account) {
		return DigestName{}, false
	}
	rest, ok = trimJSON(rest)
	if !ok {
		return DigestName{}, false
	}
	var n DigestName
	n.Account = account
	rest, n.Backfill = strings.CutSuffix(rest, "_backfill")
	parts := strings.Split(rest, "_")
	if len(parts) < 4 {
		return DigestName{}, false
	}
	end, err := time.Parse("20060102T150405Z", parts[len(parts)-1])
	if err != nil {
		return DigestName{}, false
	}
	n.End = end
	n.Region = parts[0]
	n.HomeRegion = parts[len(parts)-2]
	n.Trail = strings.Join(parts[1:len(parts)-2], "_") // trail names may hold underscores
	if n.Region == "" || n.HomeRegion == "" || n.Trail == "" {
		return DigestName{}, false
	}
	return n, true
}

// LogName is what a log file's name says: ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json.gz.
type LogName struct {
	Account string
	Region  string
	Time    time.Time // when CloudTrail delivered it, to the minute
	Insight bool      // a CloudTrail-Insight file
}

// ParseLogName reads a CloudTrail log file's S3 key or file name.
func ParseLogName(key string) (LogName, bool) {
	base := path.Base(strings.ReplaceAll(key, `\`, "/"))
	var n LogName
	account, rest, ok := strings.Cut(base, "_CloudTrail_")
	if !ok {
		account, rest, ok = strings.Cut(base, "_CloudTrail-Insight_")
		n.Insight = true
	}
	if !ok || !isAccount(account) {
		return LogName{}, false
	}
	rest, ok = trimJSON(rest)
	parts := strings.Split(rest, "_")
	if !ok || len(parts) != 3 {
		return LogName{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[1])
	if err != nil || parts[0] == "" || parts[2] == "" {
		return LogName{}, false
	}
	n.Account, n.Region, n.Time = account, parts[0], t
	return n, true
}

func trimJSON(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".gz")
	return strings.CutSuffix(s, ".json")
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// baseName is what identifies a CloudTrail file wherever it is: its base name, once a .gz is set
// aside (a local copy may have been decompressed; the hash is of the uncompressed
// bytes either way).
func baseName(key string) string {
	return strings.TrimSuffix(path.Base(strings.ReplaceAll(key, `\`, "/")), ".gz")
}
