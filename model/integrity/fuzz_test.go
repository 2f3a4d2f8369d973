package integrity_test

import (
	"crypto/sha256"
	"testing"

	"github.com/trailscope/trailscope/model/integrity"
)

// FuzzParseDigest feeds arbitrary bytes to the digest parser and, when they parse, to the checker:
// nothing in a file may crash verify.
func FuzzParseDigest(f *testing.F) {
	f.Add([]byte(`{"awsAccountId":"111122223333","digestStartTime":"2024-05-01T00:00:00Z","digestEndTime":"2024-05-01T01:00:00Z",` +
		`"digestS3Bucket":"b","digestS3Object":"AWSLogs\/111122223333\/CloudTrail-Digest\/us-east-1\/2024\/05\/01\/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T010000Z.json.gz",` +
		`"digestPublicKeyFingerprint":"f","digestSignatureAlgorithm":"SHA256withRSA","previousDigestS3Object":"x","previousDigestSignature":"zz",` +
		`"logFiles":[{"s3Bucket":"b","s3Object":"111122223333_CloudTrail_us-east-1_20240501T0005Z_abc.json.gz","hashValue":"00","hashAlgorithm":"SHA-256"}]}`))
	f.Add([]byte(`{"logFiles":null}`))
	f.Add([]byte(`[1,2`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := integrity.ParseDigest(data)
		integrity.ParseLogName(string(data))
		integrity.ParseDigestName(string(data))
		if err != nil {
			return
		}
		if _, ok := integrity.ParseDigestName(d.Object); !ok {
			t.Fatalf("parsed a digest whose object %q is not a digest name", d.Object)
		}
		loc := "/x/" + d.Object
		var logs []integrity.LogFile
		for _, l := range d.LogFiles {
			logs = append(logs, integrity.LogFile{Location: "/x/" + l.Object})
		}
		r := integrity.Check(integrity.Input{Digests: []integrity.DigestFile{{Location: loc, SHA256: sha256.Sum256(data), Digest: d}},
			Logs: logs, Signatures: map[string]integrity.Signature{integrity.SignatureKey(d.Object): {Hex: "00"}}})
		if len(r.Results) == 0 {
			t.Fatal("no verdict on a digest")
		}
	})
}
