package integrity

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PublicKey is a key CloudTrail signs digests with, as ListPublicKeys returns it.
type PublicKey struct {
	Fingerprint string
	Value       []byte // DER, PKCS#1 RSAPublicKey
	Start, End  time.Time
	Region      string // the region it was fetched from, when known
}

// RSA decodes the key.
func (k PublicKey) RSA() (*rsa.PublicKey, error) {
	pub, err := x509.ParsePKCS1PublicKey(k.Value)
	if err == nil {
		return pub, nil
	}
	// Not what CloudTrail documents, but the same key in a SubjectPublicKeyInfo is unambiguous.
	if any, err2 := x509.ParsePKIXPublicKey(k.Value); err2 == nil {
		if pub, ok := any.(*rsa.PublicKey); ok {
			return pub, nil
		}
	}
	return nil, fmt.Errorf("public key %s: not a DER PKCS#1 RSA key: %w", k.Fingerprint, err)
}

// Keyring holds public keys by fingerprint.
type Keyring map[string]PublicKey

// Add puts keys in the keyring; a key already there is kept.
func (r Keyring) Add(keys ...PublicKey) {
	for _, k := range keys {
		if _, ok := r[k.Fingerprint]; !ok {
			r[k.Fingerprint] = k
		}
	}
}

// Keys returns the keys, by fingerprint.
func (r Keyring) Keys() []PublicKey {
	out := make([]PublicKey, 0, len(r))
	for _, f := range slices.Sorted(maps.Keys(r)) {
		out = append(out, r[f])
	}
	return out
}

// keyList is the JSON that `aws cloudtrail list-public-keys` prints: the API's response, with the
// blob in base64 and the times as the CLI's cli_timestamp_format says (ISO 8601 or epoch seconds).
type keyList struct {
	PublicKeyList []keyJSON `json:"PublicKeyList"`
}

type keyJSON struct {
	Value             []byte  `json:"Value"` // base64 in JSON
	ValidityStartTime cliTime `json:"ValidityStartTime"`
	ValidityEndTime   cliTime `json:"ValidityEndTime"`
	Fingerprint       string  `json:"Fingerprint"`
	Region            string  `json:"Region,omitempty"` // trailscope's, when it fetched the key
}

// cliTime is a time as the AWS CLI prints it: an ISO 8601 string, or epoch seconds.
type cliTime struct{ time.Time }

func (t *cliTime) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05"} {
			if v, err := time.Parse(layout, unq); err == nil {
				t.Time = v.UTC()
				return nil
			}
		}
		s = unq // a quoted number
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a time: %s", b)
	}
	sec := int64(f)
	t.Time = time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
	return nil
}

func (t cliTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339))
}

// ParseKeyList reads the output of `aws cloudtrail list-public-keys` (or a file trailscope saved).
func ParseKeyList(data []byte) ([]PublicKey, error) {
	var l keyList
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("not the JSON of `aws cloudtrail list-public-keys`: %w", err)
	}
	if l.PublicKeyList == nil {
		return nil, errors.New("no PublicKeyList: give the JSON that `aws cloudtrail list-public-keys` prints")
	}
	var out []PublicKey
	for i, k := range l.PublicKeyList {
		if k.Fingerprint == "" || len(k.Value) == 0 {
			return nil, fmt.Errorf("PublicKeyList[%d] has no Fingerprint or no Value", i)
		}
		pk := PublicKey{Fingerprint: k.Fingerprint, Value: k.Value, Start: k.ValidityStartTime.Time,
			End: k.ValidityEndTime.Time, Region: k.Region}
		if _, err := pk.RSA(); err != nil {
			return nil, fmt.Errorf("PublicKeyList[%d]: %w", i, err)
		}
		out = append(out, pk)
	}
	return out, nil
}

// MarshalKeyList writes keys as `aws cloudtrail list-public-keys` prints them (times in ISO 8601),
// so that a saved file reads back with ParseKeyList or any tool that reads the CLI's output.
func MarshalKeyList(keys []PublicKey) ([]byte, error) {
	l := keyList{PublicKeyList: []keyJSON{}}
	for _, k := range keys {
		l.PublicKeyList = append(l.PublicKeyList, keyJSON{Value: k.Value, Fingerprint: k.Fingerprint,
			ValidityStartTime: cliTime{k.Start}, ValidityEndTime: cliTime{k.End}, Region: k.Region})
	}
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Signature is a digest's own signature, which CloudTrail keeps in the digest object's metadata.
type Signature struct {
	Hex       string // x-amz-meta-signature
	Algorithm string // x-amz-meta-signature-algorithm; empty: SHA256withRSA
	Source    string // where it came from, for people: "S3 metadata", "--signature", a file
}

// signatureFile is a saved copy of digests' metadata: by digest S3 key (or file name), the
// metadata entries as S3 names them.
type signatureFile map[string]struct {
	Signature string `json:"signature"`
	Algorithm string `json:"signature-algorithm"`
}

// ParseSignatures reads a saved metadata file: a JSON object whose keys are digest S3 keys (or
// file names) and whose values hold "signature" and "signature-algorithm", as S3 names the
// digest object's metadata. It returns the signatures by digest file name.
func ParseSignatures(data []byte, source string) (map[string]Signature, error) {
	var f signatureFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf(`not a signature file ({"DIGEST KEY": {"signature": "HEX", "signature-algorithm": "SHA256withRSA"}}): %w`, err)
	}
	out := map[string]Signature{}
	for key, m := range f {
		if m.Signature == "" {
			return nil, fmt.Errorf("%s: no signature", key)
		}
		out[baseName(key)] = Signature{Hex: strings.TrimSpace(m.Signature), Algorithm: m.Algorithm, Source: source}
	}
	return out, nil
}

// MarshalSignatures writes signatures, by digest key, in the form ParseSignatures reads.
func MarshalSignatures(sigs map[string]Signature) ([]byte, error) {
	f := signatureFile{}
	for key, s := range sigs {
		f[key] = struct {
			Signature string `json:"signature"`
			Algorithm string `json:"signature-algorithm"`
		}{s.Hex, s.Algorithm}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// SignatureKey is how signatures are looked up: a digest's file name, whatever folder or bucket it
// is in, without .gz.
func SignatureKey(keyOrPath string) string { return baseName(keyOrPath) }
