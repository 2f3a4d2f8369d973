package synth

import (
	"strings"
	"time"
)

// Identity is a record's userIdentity. Make one with IAMUser, AssumedRole, IAMUserSession, Root, Service,
// SAMLUser or WebIdentityUser rather than by hand; fields left empty are left out of the JSON, type
// included (AWS service events carry only accountId and invokedBy).
type Identity struct {
	Type             string // IAMUser, AssumedRole, Root, AWSService, SAMLUser, WebIdentityUser, FederatedUser, AWSAccount
	PrincipalID      string
	ARN              string
	AccountID        string
	AccessKeyID      string
	UserName         string
	IdentityProvider string   // SAMLUser, WebIdentityUser
	Session          *Session // sessionContext; nil for long-term credentials and AWS services
	InvokedBy        string   // an AWS service calling on the principal's behalf, or the service itself
}

// Session is the sessionContext of temporary credentials. It is shared by every event made with them.
type Session struct {
	Name           string // the role session name (not written: it is part of the ARN)
	Issuer         Issuer // zero for an IAM user's own session ({} in the JSON)
	WebIDProvider  string // webIdFederationData.federatedProvider
	Created        time.Time
	MFA            bool
	SourceIdentity string
	EC2            bool // ec2RoleDelivery: credentials of an instance profile
}

// Issuer is sessionContext.sessionIssuer: the role (or user) whose credentials the session carries.
type Issuer struct {
	Type, PrincipalID, ARN, AccountID, UserName string
}

// Role is an IAM role that sessions can be made of.
type Role struct {
	Account string
	Name    string
	Path    string // "/" when empty
	ID      string // the role's unique ID, "AROA..."
}

// ARN returns the role's ARN.
func (r Role) ARN() string {
	p := r.Path
	if p == "" {
		p = "/"
	}
	return "arn:aws:iam::" + r.Account + ":role" + p + r.Name
}

// IAMUser returns the identity of an IAM user calling with a long-term key ("AKIA...", or "" for a
// console sign-in).
func IAMUser(account, name, userID, accessKeyID string) Identity {
	return Identity{Type: "IAMUser", PrincipalID: userID, ARN: "arn:aws:iam::" + account + ":user/" + name,
		AccountID: account, AccessKeyID: accessKeyID, UserName: name}
}

// IAMUserSession returns the identity of an IAM user calling with temporary credentials of their own: those
// GetSessionToken mints, or the console's.
func IAMUserSession(user Identity, accessKeyID string, created time.Time, mfa bool) Identity {
	user.AccessKeyID = accessKeyID
	user.Session = &Session{Created: created, MFA: mfa}
	return user
}

// AssumedRole returns the identity of a session of role named session, using the temporary key accessKeyID
// (the key the AssumeRole event that makes it returns).
func AssumedRole(role Role, session, accessKeyID string, created time.Time) Identity {
	return Identity{
		Type:        "AssumedRole",
		PrincipalID: role.ID + ":" + session,
		ARN:         "arn:aws:sts::" + role.Account + ":assumed-role/" + role.Name + "/" + session,
		AccountID:   role.Account,
		AccessKeyID: accessKeyID,
		Session: &Session{Name: session, Created: created, Issuer: Issuer{Type: "Role", PrincipalID: role.ID,
			ARN: role.ARN(), AccountID: role.Account, UserName: role.Name}},
	}
}

// Root returns the identity of an account's root user; accessKeyID is usually a console session's "ASIA...".
func Root(account, accessKeyID string) Identity {
	return Identity{Type: "Root", PrincipalID: account, ARN: "arn:aws:iam::" + account + ":root",
		AccountID: account, AccessKeyID: accessKeyID}
}

// Service returns the identity of an AWS service acting itself, such as "ec2.amazonaws.com".
func Service(invokedBy string) Identity { return Identity{Type: "AWSService", InvokedBy: invokedBy} }

// SAMLUser returns the identity of a user signing in through a SAML provider (AssumeRoleWithSAML's caller);
// IAM Identity Center's sign-ins into member accounts look like this.
func SAMLUser(userName, providerNameQualifier string) Identity {
	return Identity{Type: "SAMLUser", PrincipalID: providerNameQualifier + ":" + userName, UserName: userName,
		IdentityProvider: providerNameQualifier}
}

// WebIdentityUser returns the identity of an OIDC subject (AssumeRoleWithWebIdentity's caller), such as a
// GitHub Actions workflow: provider is the OIDC provider's ARN, subject the token's sub claim.
func WebIdentityUser(provider, audience, subject string) Identity {
	return Identity{Type: "WebIdentityUser", PrincipalID: provider + ":" + audience + ":" + subject,
		UserName: subject, IdentityProvider: provider}
}

// Actor is a caller as the records show it: an identity with the address it calls from and its user agent.
type Actor struct {
	Identity  Identity
	SourceIP  string
	UserAgent string
	Console   bool // calls from the AWS console (sessionCredentialFromConsole)
}

// Resource is an entry of a record's resources[].
type Resource struct {
	AccountID string
	Type      string // AWS::S3::Bucket, AWS::KMS::Key, ...
	ARN       string
	Prefix    bool // written as ARNPrefix rather than ARN
}

// Event is one CloudTrail record being built. Begin starts it with who, where and when; Call, or one of the
// methods named after an API call (RunInstances, AssumeRole, GetObject, ...), says what was called and fills
// the request and response; Fail turns it into an error; AppendJSON writes it. Every field may also be set
// directly. An Event can be reused: Begin resets it and keeps its memory.
type Event struct {
	Version      string // eventVersion
	Identity     Identity
	Time         time.Time
	Source       string // eventSource, "ec2.amazonaws.com"
	Name         string // eventName
	Region       string // awsRegion
	SourceIP     string
	UserAgent    string
	ErrorCode    string
	ErrorMessage string
	Request      Object // requestParameters
	Response     Object // responseElements
	Additional   Object // additionalEventData; left out when empty
	RequestID    string
	EventID      string
	ReadOnly     bool
	Resources    []Resource
	Type         string // eventType: AwsApiCall, AwsServiceEvent, AwsConsoleSignIn
	Category     string // eventCategory: Management, Data
	Recipient    string // recipientAccountId: the account whose trail records the event
	SharedID     string // sharedEventID, for events recorded in two accounts
	VPCEndpoint  string // vpcEndpointId
	TLSVersion   string // tlsDetails; left out when TLSHost is empty
	CipherSuite  string
	TLSHost      string // tlsDetails.clientProvidedHostHeader
	Console      bool   // sessionCredentialFromConsole
}

// NewEvent returns an event begun with Begin.
func NewEvent(r *Rand, a *Actor, account, region string, at time.Time) *Event {
	e := &Event{}
	e.Begin(r, a, account, region, at)
	return e
}

// Begin resets e for a new record: actor a calls at time at in region, recorded in account's trail. It sets
// a random eventID and requestID and TLS details as a client of the public endpoint sees them (none when
// the caller is an AWS service).
func (e *Event) Begin(r *Rand, a *Actor, account, region string, at time.Time) {
	*e = Event{
		Version:   "1.09",
		Identity:  a.Identity,
		Time:      at,
		Region:    region,
		SourceIP:  a.SourceIP,
		UserAgent: a.UserAgent,
		EventID:   r.UUID(),
		RequestID: r.UUID(),
		Type:      "AwsApiCall",
		Category:  "Management",
		Recipient: account,
		Console:   a.Console,
		Request:   e.Request, Response: e.Response, Additional: e.Additional, Resources: e.Resources[:0],
	}
	e.Request.Reset()
	e.Response.Reset()
	e.Additional.Reset()
	if !isServiceAddress(a.SourceIP) {
		if r.IntN(10) < 7 {
			e.TLSVersion, e.CipherSuite = "TLSv1.3", "TLS_AES_128_GCM_SHA256"
		} else {
			e.TLSVersion, e.CipherSuite = "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"
		}
		e.TLSHost = "-" // filled by Call once the service is known
	}
}

// isServiceAddress reports whether a sourceIPAddress is an AWS service rather than an address.
func isServiceAddress(ip string) bool {
	return ip == "AWS Internal" || strings.HasSuffix(ip, ".amazonaws.com")
}

// globalHosts are the services whose endpoint has no region in it.
var globalHosts = map[string]string{
	"iam.amazonaws.com":           "iam.amazonaws.com",
	"organizations.amazonaws.com": "organizations.us-east-1.amazonaws.com",
	"cloudfront.amazonaws.com":    "cloudfront.amazonaws.com",
	"route53.amazonaws.com":       "route53.amazonaws.com",
	"signin.amazonaws.com":        "signin.aws.amazon.com",
}

// Call says which API e records: source is the eventSource ("ec2.amazonaws.com"), name the eventName.
func (e *Event) Call(source, name string, readOnly bool) *Event {
	e.Source, e.Name, e.ReadOnly = source, name, readOnly
	if e.TLSHost != "" {
		if h, ok := globalHosts[source]; ok {
			e.TLSHost = h
		} else {
			svc := strings.TrimSuffix(source, ".amazonaws.com")
			if svc == "s3" {
				e.TLSHost = "s3." + e.Region + ".amazonaws.com"
			} else {
				e.TLSHost = svc + "." + e.Region + ".amazonaws.com"
			}
		}
	}
	return e
}

// Data marks e as a data event (eventCategory Data, managementEvent false), like S3 object calls.
func (e *Event) Data() *Event {
	e.Category = "Data"
	return e
}

// AddResource appends an entry to resources[].
func (e *Event) AddResource(account, typ, arn string) *Event {
	e.Resources = append(e.Resources, Resource{AccountID: account, Type: typ, ARN: arn})
	return e
}

// Fail turns e into a failed call: the error code and message are set and the response is dropped, as
// CloudTrail records a request that AWS refused.
func (e *Event) Fail(code, message string) *Event {
	e.ErrorCode, e.ErrorMessage = code, message
	e.Response.Reset()
	return e
}

// Deny fails e with AccessDenied and the message IAM gives when no policy allows the action on resource
// (the caller's own ARN when resource is empty).
func (e *Event) Deny(resource string) *Event {
	return e.Fail("AccessDenied", e.deniedMessage(resource))
}

func (e *Event) deniedMessage(resource string) string {
	action := e.Action()
	msg := "User: " + e.PrincipalARN() + " is not authorized to perform: " + action
	if resource != "" {
		msg += " on resource: " + resource
	}
	return msg + " because no identity-based policy allows the " + action + " action"
}

// Action is the IAM action of e's call, "ec2:RunInstances".
func (e *Event) Action() string {
	svc := strings.TrimSuffix(e.Source, ".amazonaws.com")
	if svc == "monitoring" {
		svc = "cloudwatch"
	}
	return svc + ":" + e.Name
}

// PrincipalARN names who made the call, as an AccessDenied message does: the identity's ARN, or its
// principal ID when it has none.
func (e *Event) PrincipalARN() string {
	if e.Identity.ARN != "" {
		return e.Identity.ARN
	}
	return e.Identity.PrincipalID
}

// AppendJSON appends e as one CloudTrail record, keys in the order CloudTrail writes them.
func (e *Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"eventVersion":`...)
	b = appendString(b, e.Version)
	b = append(b, `,"userIdentity":`...)
	b = e.Identity.appendJSON(b)
	b = append(b, `,"eventTime":"`...)
	b = appendTime(b, e.Time)
	b = append(b, `","eventSource":`...)
	b = appendString(b, e.Source)
	b = append(b, `,"eventName":`...)
	b = appendString(b, e.Name)
	b = append(b, `,"awsRegion":`...)
	b = appendString(b, e.Region)
	b = append(b, `,"sourceIPAddress":`...)
	b = appendString(b, e.SourceIP)
	b = append(b, `,"userAgent":`...)
	b = appendString(b, e.UserAgent)
	if e.ErrorCode != "" {
		b = append(b, `,"errorCode":`...)
		b = appendString(b, e.ErrorCode)
		b = append(b, `,"errorMessage":`...)
		b = appendString(b, e.ErrorMessage)
	}
	b = append(b, `,"requestParameters":`...)
	b = e.Request.appendTo(b)
	b = append(b, `,"responseElements":`...)
	b = e.Response.appendTo(b)
	if e.Additional.Len() > 0 {
		b = append(b, `,"additionalEventData":`...)
		b = e.Additional.appendTo(b)
	}
	if e.RequestID != "" {
		b = append(b, `,"requestID":`...)
		b = appendString(b, e.RequestID)
	}
	b = append(b, `,"eventID":`...)
	b = appendString(b, e.EventID)
	b = append(b, `,"readOnly":`...)
	if e.ReadOnly {
		b = append(b, "true"...)
	} else {
		b = append(b, "false"...)
	}
	if len(e.Resources) > 0 {
		b = append(b, `,"resources":[`...)
		for i, r := range e.Resources {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			if r.AccountID != "" {
				b = append(b, `"accountId":`...)
				b = appendString(b, r.AccountID)
				b = append(b, ',')
			}
			b = append(b, `"type":`...)
			b = appendString(b, r.Type)
			if r.Prefix {
				b = append(b, `,"ARNPrefix":`...)
			} else {
				b = append(b, `,"ARN":`...)
			}
			b = appendString(b, r.ARN)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"eventType":`...)
	b = appendString(b, e.Type)
	if e.Category == "Management" {
		b = append(b, `,"managementEvent":true`...)
	} else {
		b = append(b, `,"managementEvent":false`...)
	}
	b = append(b, `,"recipientAccountId":`...)
	b = appendString(b, e.Recipient)
	if e.SharedID != "" {
		b = append(b, `,"sharedEventID":`...)
		b = appendString(b, e.SharedID)
	}
	if e.VPCEndpoint != "" {
		b = append(b, `,"vpcEndpointId":`...)
		b = appendString(b, e.VPCEndpoint)
	}
	b = append(b, `,"eventCategory":`...)
	b = appendString(b, e.Category)
	if e.TLSHost != "" && e.TLSHost != "-" {
		b = append(b, `,"tlsDetails":{"tlsVersion":`...)
		b = appendString(b, e.TLSVersion)
		b = append(b, `,"cipherSuite":`...)
		b = appendString(b, e.CipherSuite)
		b = append(b, `,"clientProvidedHostHeader":`...)
		b = appendString(b, e.TLSHost)
		b = append(b, '}')
	}
	if e.Console {
		b = append(b, `,"sessionCredentialFromConsole":"true"`...)
	}
	return append(b, '}')
}

// JSON returns e rendered as one record.
func (e *Event) JSON() []byte { return e.AppendJSON(make([]byte, 0, 2048)) }

func (id *Identity) appendJSON(b []byte) []byte {
	start := len(b)
	b = append(b, '{')
	if id.Type != "" {
		b = append(b, `,"type":`...)
		b = appendString(b, id.Type)
	}
	b = appendField(b, "principalId", id.PrincipalID)
	b = appendField(b, "arn", id.ARN)
	b = appendField(b, "accountId", id.AccountID)
	b = appendField(b, "accessKeyId", id.AccessKeyID)
	b = appendField(b, "userName", id.UserName)
	if s := id.Session; s != nil {
		b = append(b, `,"sessionContext":{"sessionIssuer":{`...)
		if s.Issuer.Type != "" {
			b = append(b, `"type":`...)
			b = appendString(b, s.Issuer.Type)
			b = appendField(b, "principalId", s.Issuer.PrincipalID)
			b = appendField(b, "arn", s.Issuer.ARN)
			b = appendField(b, "accountId", s.Issuer.AccountID)
			b = appendField(b, "userName", s.Issuer.UserName)
		}
		b = append(b, `},"webIdFederationData":{`...)
		if s.WebIDProvider != "" {
			b = append(b, `"federatedProvider":`...)
			b = appendString(b, s.WebIDProvider)
			b = append(b, `,"attributes":{}`...)
		}
		b = append(b, `},"attributes":{"creationDate":"`...)
		b = appendTime(b, s.Created)
		if s.MFA {
			b = append(b, `","mfaAuthenticated":"true"}`...)
		} else {
			b = append(b, `","mfaAuthenticated":"false"}`...)
		}
		if s.SourceIdentity != "" {
			b = appendField(b, "sourceIdentity", s.SourceIdentity)
		}
		if s.EC2 {
			b = append(b, `,"ec2RoleDelivery":"2.0"`...)
		}
		b = append(b, '}')
	}
	b = appendField(b, "invokedBy", id.InvokedBy)
	b = appendField(b, "identityProvider", id.IdentityProvider)
	if len(b) > start+1 {
		// Every member was written with a leading comma: drop the first.
		b = append(b[:start+1], b[start+2:]...)
	}
	return append(b, '}')
}

// appendField appends ,"key":"value" when value is not empty.
func appendField(b []byte, key, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendString(b, value)
}
