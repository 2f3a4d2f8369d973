// Package world invents a busy organisation and writes its CloudTrail trail: realistic, deterministic
// archives for benchmarks at a million events, and the background of the built-in scenario sample
// (World, New). It builds every record with the builders of source/synth.
//
// Generate writes S3 delivery files ({"Records":[...]}, gzipped or not) in CloudTrail's folder layout and
// file naming; Records streams the same records without files. The output is a function of Options alone
// (and of this package's and klauspost/compress's versions): the same seed gives the same bytes on any
// machine, whatever the number of cores, because every file and every record inside it has its own PCG
// generator seeded from (seed, file, record), and nothing depends on map order or the clock.
//
// The records look like a busy organisation's trail: a few accounts and seven regions; IAM users with
// long-term AKIA keys; roles assumed by people, pipelines, EC2 instances, Lambda functions, AWS services
// (service-linked roles) and GitHub Actions (OIDC); Identity Center users in AWSReservedSSO_* roles; the root
// user now and then. Every temporary ASIA key used by an assumed role is minted by an event of the archive
// (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetSessionToken, in us-east-1) whose
// responseElements.credentials.accessKeyId is that key, and sessions assume further roles, so credential
// chains several links long exist (the keys of IAM users' console sessions are, as in real trails, minted by
// no event). About 210 event names over 33 services are mixed as real trails are:
// describes, lists, gets and S3 and KMS traffic dominate, writes are rare, 3-4% of calls fail with the error
// codes their services give. Records are about 1.5 KB each. Within a file they are out of time order (shuffled
// within about five minutes), and a small share of records is delivered a second time, byte for byte, in the
// next file of the same account and region, as real deliveries are.
//
// That is ShapeSimple, the zero Options (what the sample is made of). ShapeOrg, the default of `trailscope
// synth`, is an organization trail (AWSLogs/o-.../<account>/CloudTrail/...) over 24 accounts and twelve
// regions whose temporary keys rotate as they do in AWS (bursts.go): every Lambda cold start, ECS task and
// instance-profile rotation gets a new ASIA key, minted by an AssumeRole of the service in its region and
// used for a handful of calls, so that 100,000 events hold about 44,000 distinct keys and 7,800 identity
// ARNs (ShapeSimple: about 5,400 and 1,600); 2% of records are delivered twice.
package world
