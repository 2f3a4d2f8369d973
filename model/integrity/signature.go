package integrity

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// StringToSign is what CloudTrail signs for a digest: its end time, its S3 location, the hex SHA-256
// of its uncompressed bytes and the previous digest's signature ("null" for the first of a chain).
func StringToSign(d Digest, digestSHA256 [32]byte) string {
	prev := "null"
	if d.PreviousSignature != nil {
		prev = *d.PreviousSignature
	}
	return d.EndTime + "\n" + d.Bucket + "/" + d.Object + "\n" + hex.EncodeToString(digestSHA256[:]) + "\n" + prev
}

// Why a signature check fails.
var (
	errBadSignature = errors.New("the signature does not verify")
	errAlgorithm    = errors.New("unsupported signature algorithm")
)

// VerifySignature checks a digest's signature (hex) with key: RSA PKCS#1 v1.5 over the SHA-256 of
// StringToSign.
func VerifySignature(d Digest, digestSHA256 [32]byte, sig Signature, key PublicKey) error {
	if alg := sig.Algorithm; alg != "" && alg != SignatureAlgorithm {
		return fmt.Errorf("%w %q", errAlgorithm, alg)
	}
	if d.SignatureAlgorithm != "" && d.SignatureAlgorithm != SignatureAlgorithm {
		return fmt.Errorf("%w %q", errAlgorithm, d.SignatureAlgorithm)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(sig.Hex))
	if err != nil {
		return fmt.Errorf("%w: the signature is not hex", errBadSignature)
	}
	pub, err := key.RSA()
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(StringToSign(d, digestSHA256)))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw); err != nil {
		return errBadSignature
	}
	return nil
}
