// Package cloudtrail is the CloudTrail record: its decoded form (Record, Identity, Resource), decoding
// from JSON (DecodeRecord, the one place a record's bytes become a Record), the readable principal
// (DeriveIdentity), the resources an event touched (ExtractResources, with its tables in
// resource_tables.go), and what sources send as they read (Batch). Every string of a record is untrusted:
// Sanitize makes one safe to draw.
package cloudtrail

import (
	"context"
	"time"
)

// Record is one CloudTrail record in its decoded, string form: what a source produces and what the
// index hands back for display. The index stores a compact form of it (see Index).
type Record struct {
	Time         time.Time
	EventVersion string
	Name         string // eventName
	Source       string // eventSource, e.g. ec2.amazonaws.com
	Region       string // awsRegion
	Account      string // recipientAccountId
	Identity     Identity
	SourceIP     string
	UserAgent    string
	// ErrorCode is the record's errorCode or, for a sign-in that reports failure in its response and
	// not with an errorCode (a failed ConsoleLogin or CheckMfa), the value it reported there
	// ("Failure"): every event with an ErrorCode failed.
	ErrorCode string
	// ErrorInResponse says where the failure in ErrorCode was reported when the record has no
	// errorCode ("responseElements.ConsoleLogin"); "" otherwise.
	ErrorInResponse string
	ErrorMessage    string // errorMessage: why the call failed
	ReadOnly        Tri
	EventType       string // AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, AwsCloudTrailInsight, ...
	Category        string // Management, Data, Insight, NetworkActivity
	EventID         string
	RequestID       string
	SharedID        string // sharedEventID
	Resources       []Resource
	// MintedKey is the access key this event created: a temporary one (responseElements.credentials.
	// accessKeyId of AssumeRole, GetSessionToken, ...) or a long-term one (responseElements.accessKey.
	// accessKeyId of CreateAccessKey). It is the link the credential chain follows.
	MintedKey string
	// Inspected is what the findings rules need from the raw record beyond these fields (a security
	// group rule's CIDR and ports, a policy, whether a sign-in used MFA), read while the bytes are at
	// hand (inspect.Record); "" for all but a few calls.
	Inspected string
	Raw       RawRef
}

// Identity is a record's userIdentity, with the readable principal derived from it.
type Identity struct {
	Type           string // userIdentity.type; empty when the record has none
	PrincipalID    string
	ARN            string
	Account        string // userIdentity.accountId
	AccessKey      string
	UserName       string
	InvokedBy      string
	SourceIdentity string
	OnBehalfOf     string // onBehalfOf.userId (Identity Center)
	IssuerType     string // sessionContext.sessionIssuer.type
	IssuerARN      string
	IssuerName     string // sessionIssuer.userName: the role's name for an assumed role
	Provider       string // webIdFederationData.federatedProvider or the SAML/identity provider
	MFA            bool   // sessionContext.attributes.mfaAuthenticated
	Console        bool   // sessionCredentialFromConsole

	// Derived by DeriveIdentity.
	Principal string // one readable name: "role/Admin (session alice@corp)", "user/bob", "root (123456789012)"
	Role      string // the grouping above sessions: "role/Admin"; equal to Principal when there are no sessions
	Session   string // the session name of an assumed role or federated user
}

// Tri is a boolean that may be unknown (readOnly is missing from some records).
type Tri uint8

// The values of a Tri.
const (
	Unknown Tri = iota
	True
	False
)

// Resource is one thing an event touched: a kind such as "ec2:instance" and a canonical ID such as
// "i-0abc". An ARN and the bare ID of the same thing give the same Resource.
type Resource struct {
	Kind string
	ID   string
	ARN  string // the full ARN when the record named one; not part of the identity of the resource
}

// RawStore gives back the bytes of raw records. Sources implement it: a file re-read at an offset,
// compressed blocks in memory, ...
type RawStore interface {
	// Raw returns the n bytes of the record at off.
	Raw(off int64, n int) ([]byte, error)
}

// RawSpan is where one raw record is in its RawStore: what a bulk read asks for.
type RawSpan struct {
	Off int64
	Len int
}

// RawBulkStore is a RawStore that gives back many records in one pass over what keeps them: each
// file (or block) is read at most once per call, however the records asked for are ordered. JSON
// output and exports of thousands of events go through it; Raw stays the way to get one record.
type RawBulkStore interface {
	RawStore
	// RawEach calls fn with the record at each of spans, in the order of spans (i is the span's
	// position in it). raw is valid only during the call. RawEach stops at fn's first error and
	// returns it, at the first record it cannot read, or when ctx ends.
	RawEach(ctx context.Context, spans []RawSpan, fn func(i int, raw []byte) error) error
}

// FileStore is a RawStore whose records were read from files: File names the file of the record
// at off, as the source read it ("" for a record that was not). The console uses it to tell which
// file an event came from (log file integrity is checked per file).
type FileStore interface {
	RawStore
	File(off int64) string
}

// RawRef locates a record's raw JSON in a RawStore, for drill-down.
type RawRef struct {
	Store RawStore
	Off   int64
	Len   int
}
