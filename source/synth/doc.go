// Package synth builds realistic CloudTrail records by hand: identities, actors, and events in the shapes
// AWS writes them, with a reproducible source of IDs, keys and tokens (Rand). source/synth/world uses them to
// write whole synthetic archives for benchmarks; the built-in scenario sample weaves its incidents with them.
//
// Records are built one by one, as the incidents of a scenario are (see ExampleEvent). Identities come from
// IAMUser, AssumedRole, IAMUserSession, Root, Service, SAMLUser and WebIdentityUser; an Actor adds the address
// and user agent. Event.Begin starts a record (time, region, recording account, eventID and requestID, TLS
// details), and methods named after API calls fill its request, response and resources in the shapes AWS
// writes: AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity and GetSessionToken mint the key of the
// session they are given; RunInstances, TerminateInstances, AuthorizeSecurityGroupIngress, CreateSnapshot,
// ModifySnapshotAttribute, CreateUser, CreateAccessKey, AttachUserPolicy, GetObject, PutObject,
// PutBucketPolicy, GetSecretValue, Decrypt, StopLogging, ConsoleLogin and more. Any other call is Event.Call
// (or S3Call) plus parameters added to Event.Request, an Object that builds JSON by appending; Fail and Deny
// turn a record into an error. A Rand supplies IDs, keys and tokens reproducibly.
package synth
