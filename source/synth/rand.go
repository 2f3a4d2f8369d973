package synth

import (
	"math/rand/v2"
	"net/netip"
)

// Rand is the source of every random value in a record: event and request IDs, access keys, session tokens,
// resource IDs. It wraps a PCG generator, so the same seeds give the same values on every platform and Go
// release. A Rand is not safe for concurrent use.
type Rand struct {
	*rand.Rand
	pcg rand.PCG
}

// NewRand returns a Rand seeded with (seed1, seed2).
func NewRand(seed1, seed2 uint64) *Rand {
	r := &Rand{}
	r.pcg.Seed(Mix(seed1), Mix(seed2^0x9e3779b97f4a7c15))
	r.Rand = rand.New(&r.pcg)
	return r
}

// Reseed restarts r as if it were NewRand(seed1, seed2), without allocating.
func (r *Rand) Reseed(seed1, seed2 uint64) { r.pcg.Seed(Mix(seed1), Mix(seed2^0x9e3779b97f4a7c15)) }

// Mix is splitmix64's finaliser: neighbouring seeds give unrelated PCG states.
func Mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashString is FNV-1a of s, mixed: a stable pseudo-random function of a string.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return Mix(h)
}

// Mix3 combines three values into one seed.
func Mix3(a, b, c uint64) uint64 { return Mix(Mix(Mix(a)^b) ^ c) }

// UUID returns a random (version 4) UUID in lower case, the form of eventID and most requestIDs.
func (r *Rand) UUID() string {
	var b [36]byte
	r.appendUUID(b[:0])
	return string(b[:])
}

func (r *Rand) appendUUID(b []byte) []byte {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^(0xf<<12) | 4<<12         // version 4
	lo = lo&^(0x3<<62) | uint64(2)<<62 // RFC 4122 variant
	for i := 60; i >= 0; i -= 4 {
		if i == 28 || i == 12 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[hi>>uint(i)&0xf])
	}
	b = append(b, '-')
	for i := 60; i >= 0; i -= 4 {
		if i == 44 {
			b = append(b, '-')
		}
		b = append(b, hexDigits[lo>>uint(i)&0xf])
	}
	return b
}

// upperUUID returns a UUID in upper case, as EC2 client tokens and secret version IDs appear.
func (r *Rand) upperUUID() string {
	var b [36]byte
	r.appendUUID(b[:0])
	for i, c := range b {
		if c >= 'a' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b[:])
}

// Hex returns n random lower-case hex digits.
func (r *Rand) Hex(n int) string { return r.FromAlphabet(hexDigits, n) }

// ID returns prefix followed by 17 hex digits: an EC2 resource ID such as "i-0abc..." or "sg-...".
func (r *Rand) ID(prefix string) string { return prefix + r.Hex(17) }

// The alphabets of random IDs; FromAlphabet draws from them.
const (
	base32Upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	UpperAlnum   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	mixedAlnum   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	Base64Digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// FromAlphabet returns n characters drawn from alphabet.
func (r *Rand) FromAlphabet(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// AccessKeyID returns an access key ID: prefix ("AKIA" for a long-term key, "ASIA" for a temporary one) and
// 16 upper-case base-32 characters, the first of which are infix. Give the keys and unique IDs of one account
// the same infix (a few base-32 characters, from KeyInfix) to make them look related, as real ones do.
func (r *Rand) AccessKeyID(prefix, infix string) string {
	return prefix + infix + r.FromAlphabet(base32Upper, 16-len(infix))
}

// KeyInfix returns 8 random base-32 characters to start an account's key and unique IDs with.
func (r *Rand) KeyInfix() string { return r.FromAlphabet(base32Upper, 8) }

// UniqueID returns an IAM unique ID such as "AIDA..." (user) or "AROA..." (role): prefix and 17 characters,
// the first of which are infix.
func (r *Rand) UniqueID(prefix, infix string) string {
	return prefix + infix + r.FromAlphabet(base32Upper, 17-len(infix))
}

// S3RequestID returns a requestID as S3 writes it: 16 upper-case letters and digits.
func (r *Rand) S3RequestID() string { return r.FromAlphabet(UpperAlnum, 16) }

// S3HostID returns an x-amz-id-2 value (additionalEventData of S3 events).
func (r *Rand) S3HostID() string { return r.FromAlphabet(Base64Digits, 76) }

// SessionToken returns an STS session token of realistic length.
func (r *Rand) SessionToken() string {
	return "IQoJb3JpZ2luX2Vj" + r.FromAlphabet(Base64Digits, 560+4*r.IntN(100))
}

// Suffix returns n random letters and digits, as in the last part of a delivery file's name.
func (r *Rand) Suffix(n int) string { return r.FromAlphabet(mixedAlnum, n) }

// publicFirstOctets are first octets of routable unicast space (no private, loopback, multicast or reserved).
var publicFirstOctets = []byte{
	3, 4, 8, 13, 18, 20, 23, 24, 31, 34, 35, 37, 40, 44, 46, 50, 52, 54, 62, 63, 66, 67, 68, 71, 73, 76,
	77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 98, 99, 104, 107, 108, 109,
	128, 129, 130, 136, 141, 146, 151, 152, 155, 161, 165, 170, 173, 174, 176, 178, 185, 188, 193, 194,
	195, 199, 204, 207, 209, 212, 213, 216, 217,
}

// awsFirstOctets are first octets common in AWS's own address space (EC2, Lambda).
var awsFirstOctets = []byte{3, 18, 34, 35, 44, 52, 54}

// PublicIP returns a random public IPv4 address.
func (r *Rand) PublicIP() string { return r.IPFrom(publicFirstOctets) }

// AWSIP returns a random address of the kind EC2 instances and Lambda functions call from.
func (r *Rand) AWSIP() string { return r.IPFrom(awsFirstOctets) }

// IPFrom returns a random IPv4 address whose first octet is one of firsts.
func (r *Rand) IPFrom(firsts []byte) string {
	v := r.Uint32()
	a := netip.AddrFrom4([4]byte{firsts[r.IntN(len(firsts))], byte(v >> 16), byte(v >> 8), byte(v%253) + 1})
	return a.String()
}

// DerivedIP returns an AWS address that is a function of seed.
func DerivedIP(seed string) string {
	h := hashString(seed)
	return netip.AddrFrom4([4]byte{awsFirstOctets[h%uint64(len(awsFirstOctets))], byte(h >> 8), byte(h >> 16), byte(h>>24)%253 + 1}).String()
}

// PrivateIP returns a 10.x address, as calls through a VPC endpoint show.
func (r *Rand) PrivateIP() string {
	v := r.Uint32()
	return netip.AddrFrom4([4]byte{10, byte(v >> 16), byte(v >> 8), byte(v%253) + 1}).String()
}

// Pick returns a random element of s.
func Pick[T any](r *Rand, s []T) T { return s[r.IntN(len(s))] }
