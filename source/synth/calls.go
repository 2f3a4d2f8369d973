package synth

import (
	"strconv"
	"strings"
	"time"
)

// The methods in this file fill an Event begun with Begin with one well-known API call, shaped like the
// records AWS writes for it. Anything an investigation follows (instance IDs, buckets and keys, user and
// role names, access keys) is an argument; what only has to look real (tokens, request IDs, reservation IDs)
// comes from r.

// AssumeRole records the actor assuming a role: sess is the session the call creates (from AssumedRole); its
// access key appears in responseElements.credentials.accessKeyId, which is how events made with it are
// traced back to this one.
func (e *Event) AssumeRole(r *Rand, sess Identity, dur time.Duration) *Event {
	e.Call("sts.amazonaws.com", "AssumeRole", true)
	s := sess.Session
	e.Request.Str("roleArn", s.Issuer.ARN).Str("roleSessionName", s.Name)
	if dur != time.Hour {
		e.Request.Int("durationSeconds", int64(dur/time.Second))
	}
	if s.SourceIdentity != "" {
		e.Request.Str("sourceIdentity", s.SourceIdentity)
	}
	e.credentials(r, sess, dur)
	if s.SourceIdentity != "" {
		e.Response.Str("sourceIdentity", s.SourceIdentity)
	}
	return e.AddResource(s.Issuer.AccountID, "AWS::IAM::Role", s.Issuer.ARN)
}

// credentials writes the credentials and assumedRoleUser of an STS response.
func (e *Event) credentials(r *Rand, sess Identity, dur time.Duration) {
	e.Response.Obj("credentials").
		Str("accessKeyId", sess.AccessKeyID).
		Str("sessionToken", r.SessionToken()).
		Str("expiration", AWSDate(e.Time.Add(dur))).
		End()
	if sess.Type == "AssumedRole" {
		e.Response.Obj("assumedRoleUser").Str("assumedRoleId", sess.PrincipalID).Str("arn", sess.ARN).End()
	}
}

// AssumeRoleWithSAML records a SAML sign-in into a role, the way IAM Identity Center users reach a member
// account: the actor is a SAMLUser identity, sess the resulting session and provider the SAML provider's ARN.
func (e *Event) AssumeRoleWithSAML(r *Rand, sess Identity, provider string, dur time.Duration) *Event {
	e.Call("sts.amazonaws.com", "AssumeRoleWithSAML", true)
	s := sess.Session
	e.Request.Str("sAMLAssertionID", "_"+r.UUID()).Str("roleSessionName", s.Name).
		Str("principalArn", provider).Str("roleArn", s.Issuer.ARN).Int("durationSeconds", int64(dur/time.Second))
	e.credentials(r, sess, dur)
	e.Response.Int("packedPolicySize", 1).Str("subject", e.Identity.UserName).Str("subjectType", "persistent").
		Str("issuer", "https://portal.sso."+e.Region+".amazonaws.com/saml/assertion/"+r.Suffix(40)).
		Str("audience", "https://signin.aws.amazon.com/saml").Str("nameQualifier", e.Identity.IdentityProvider)
	e.Additional.Str("RoleSessionName", s.Name)
	return e.AddResource(s.Issuer.AccountID, "AWS::IAM::Role", s.Issuer.ARN).
		AddResource(s.Issuer.AccountID, "AWS::IAM::SAMLProvider", provider)
}

// AssumeRoleWithWebIdentity records an OIDC subject (the actor, from WebIdentityUser) assuming a role.
func (e *Event) AssumeRoleWithWebIdentity(r *Rand, sess Identity, dur time.Duration) *Event {
	e.Call("sts.amazonaws.com", "AssumeRoleWithWebIdentity", true)
	s := sess.Session
	e.Request.Str("roleArn", s.Issuer.ARN).Str("roleSessionName", s.Name).Int("durationSeconds", int64(dur/time.Second))
	e.credentials(r, sess, dur)
	aud := "sts.amazonaws.com"
	e.Response.Str("subjectFromWebIdentityToken", e.Identity.UserName).
		Str("provider", e.Identity.IdentityProvider).Str("audience", aud)
	e.Additional.Str("identityProviderConnectionVerificationMethod", "IAMTrustStore")
	return e.AddResource(s.Issuer.AccountID, "AWS::IAM::Role", s.Issuer.ARN)
}

// GetSessionToken records an IAM user (the actor, with a long-term key) getting temporary credentials of
// their own: sess, from IAMUserSession.
func (e *Event) GetSessionToken(r *Rand, sess Identity, dur time.Duration) *Event {
	e.Call("sts.amazonaws.com", "GetSessionToken", true)
	e.Request.Int("durationSeconds", int64(dur/time.Second))
	e.credentials(r, sess, dur)
	return e
}

// GetCallerIdentity records "who am I", the first call of most tools and most intruders.
func (e *Event) GetCallerIdentity() *Event {
	return e.Call("sts.amazonaws.com", "GetCallerIdentity", true)
}

// ConsoleLogin records a console sign-in of the actor (an IAM user, root, or a federated role session);
// a failed one carries "Failed authentication".
func (e *Event) ConsoleLogin(success, mfa bool) *Event {
	e.Call("signin.amazonaws.com", "ConsoleLogin", false)
	e.Type = "AwsConsoleSignIn"
	e.RequestID = ""
	e.Console = false
	e.Identity.AccessKeyID = ""
	if e.Identity.Type == "IAMUser" || e.Identity.Type == "Root" {
		e.Identity.Session = nil
	}
	region := e.Region
	e.Additional.Str("LoginTo", "https://"+region+".console.aws.amazon.com/console/home?region="+region+"&state=hashArgs%23&isauthcode=true").
		Str("MobileVersion", "No")
	if mfa {
		e.Additional.Str("MFAIdentifier", "arn:aws:iam::"+e.Identity.AccountID+":mfa/"+e.Identity.UserName).Str("MFAUsed", "Yes")
	} else {
		e.Additional.Str("MFAUsed", "No")
	}
	if success {
		e.Response.Str("ConsoleLogin", "Success")
	} else {
		e.ErrorMessage = "Failed authentication"
		e.Response.Str("ConsoleLogin", "Failure")
	}
	e.TLSHost = region + ".signin.aws.amazon.com"
	return e
}

// ec2Write starts an EC2 call whose response repeats the request ID, as EC2's do.
func (e *Event) ec2Write(name string) {
	e.Call("ec2.amazonaws.com", name, false)
	e.Response.Str("requestId", e.RequestID)
}

// RunInstances records the launch of instances (one per ID) from imageID in subnetID with security group
// sgID.
func (e *Event) RunInstances(r *Rand, imageID, instanceType, subnetID, sgID string, instanceIDs ...string) *Event {
	e.ec2Write("RunInstances")
	token := r.upperUUID()
	n := int64(len(instanceIDs))
	e.Request.Obj("instancesSet").Arr("items").Obj("").Str("imageId", imageID).Int("minCount", n).Int("maxCount", n).End().End().End().
		Str("instanceType", instanceType).Obj("blockDeviceMapping").End().Obj("monitoring").Bool("enabled", false).End().
		Bool("disableApiTermination", false).Bool("disableApiStop", false).Str("clientToken", token).
		Obj("networkInterfaceSet").Arr("items").Obj("").Int("deviceIndex", 0).Str("subnetId", subnetID).
		Items("groupSet", "groupId", sgID).End().End().End().
		Obj("metadataOptions").Str("httpTokens", "required").Int("httpPutResponseHopLimit", 2).End()
	az := e.Region + string(rune('a'+r.IntN(3)))
	launch := e.Time.UnixMilli()
	vpcID := DerivedID("vpc-", subnetID)
	e.Response.Str("reservationId", r.ID("r-")).Str("ownerId", e.Recipient).Obj("groupSet").End().
		Obj("instancesSet").Arr("items")
	for i, id := range instanceIDs {
		ip := "10." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(4+r.IntN(250))
		e.Response.Obj("").Str("instanceId", id).Str("imageId", imageID).Obj("instanceState").Int("code", 0).Str("name", "pending").End().
			Str("privateDnsName", "ip-"+strings.ReplaceAll(ip, ".", "-")+"."+e.Region+".compute.internal").
			Int("amiLaunchIndex", int64(i)).Obj("productCodes").End().Str("instanceType", instanceType).
			Int("launchTime", launch).Obj("placement").Str("availabilityZone", az).Str("tenancy", "default").End().
			Obj("monitoring").Str("state", "disabled").End().Str("subnetId", subnetID).Str("vpcId", vpcID).
			Str("privateIpAddress", ip).Obj("stateReason").Str("code", "pending").Str("message", "pending").End().
			Str("architecture", "x86_64").Str("rootDeviceType", "ebs").Str("rootDeviceName", "/dev/xvda").
			Obj("blockDeviceMapping").End().Str("virtualizationType", "hvm").Str("hypervisor", "xen").
			Str("clientToken", token).Items("groupSet", "groupId", sgID).Bool("sourceDestCheck", true).
			Obj("networkInterfaceSet").Arr("items").Obj("").Str("networkInterfaceId", r.ID("eni-")).
			Str("subnetId", subnetID).Str("vpcId", vpcID).Str("ownerId", e.Recipient).Str("status", "in-use").
			Str("privateIpAddress", ip).Bool("sourceDestCheck", true).Str("interfaceType", "interface").
			Obj("attachment").Str("attachmentId", r.ID("eni-attach-")).Int("deviceIndex", 0).Str("status", "attaching").
			Int("attachTime", launch).Bool("deleteOnTermination", true).End().End().End().End().
			Bool("ebsOptimized", false).Bool("enaSupport", true).
			Obj("cpuOptions").Int("coreCount", 1).Int("threadsPerCore", 2).End().
			Obj("metadataOptions").Str("state", "pending").Str("httpTokens", "required").Int("httpPutResponseHopLimit", 2).
			Str("httpEndpoint", "enabled").End().
			End()
	}
	e.Response.End().End().Str("requesterId", "")
	for _, id := range instanceIDs {
		e.AddResource(e.Recipient, "AWS::EC2::Instance", "arn:aws:ec2:"+e.Region+":"+e.Recipient+":instance/"+id)
	}
	return e
}

// DerivedID returns an EC2-style ID that is a function of seed: the VPC of a subnet, say.
func DerivedID(prefix, seed string) string {
	h := hashString(seed)
	b := make([]byte, 0, len(prefix)+17)
	b = append(b, prefix...)
	b = append(b, '0')
	for i := 0; i < 16; i++ {
		b = append(b, hexDigits[h>>(4*i)&0xf])
	}
	return string(b)
}

// stateChange records TerminateInstances, StopInstances or StartInstances with their state transitions.
func (e *Event) stateChange(name string, fromCode int64, from string, toCode int64, to string, ids []string) *Event {
	e.ec2Write(name)
	e.Request.Items("instancesSet", "instanceId", ids...)
	e.Response.Obj("instancesSet").Arr("items")
	for _, id := range ids {
		e.Response.Obj("").Str("instanceId", id).
			Obj("currentState").Int("code", toCode).Str("name", to).End().
			Obj("previousState").Int("code", fromCode).Str("name", from).End().End()
	}
	e.Response.End().End()
	return e
}

// TerminateInstances records the termination of instances.
func (e *Event) TerminateInstances(instanceIDs ...string) *Event {
	return e.stateChange("TerminateInstances", 16, "running", 32, "shutting-down", instanceIDs)
}

// StopInstances records instances being stopped.
func (e *Event) StopInstances(instanceIDs ...string) *Event {
	return e.stateChange("StopInstances", 16, "running", 64, "stopping", instanceIDs)
}

// StartInstances records stopped instances being started.
func (e *Event) StartInstances(instanceIDs ...string) *Event {
	return e.stateChange("StartInstances", 80, "stopped", 0, "pending", instanceIDs)
}

// DescribeInstances records a listing of instances: the given ones, or all when none are given.
func (e *Event) DescribeInstances(instanceIDs ...string) *Event {
	e.Call("ec2.amazonaws.com", "DescribeInstances", true)
	if len(instanceIDs) > 0 {
		e.Request.Items("instancesSet", "instanceId", instanceIDs...)
	} else {
		e.Request.Obj("instancesSet").End()
	}
	e.Request.Obj("filterSet").End()
	return e
}

// AuthorizeSecurityGroupIngress records a rule opening fromPort-toPort of protocol ("tcp") to cidr
// ("0.0.0.0/0") on security group groupID.
func (e *Event) AuthorizeSecurityGroupIngress(r *Rand, groupID, protocol string, fromPort, toPort int, cidr string) *Event {
	e.ec2Write("AuthorizeSecurityGroupIngress")
	e.Request.Str("groupId", groupID).Obj("ipPermissions").Arr("items").Obj("").
		Str("ipProtocol", protocol).Int("fromPort", int64(fromPort)).Int("toPort", int64(toPort)).
		Obj("groups").End().Items("ipRanges", "cidrIp", cidr).Obj("ipv6Ranges").End().Obj("prefixListIds").End().
		End().End().End()
	e.Response.Bool("_return", true).Obj("securityGroupRuleSet").Arr("items").Obj("").
		Str("groupOwnerId", e.Recipient).Str("groupId", groupID).Str("securityGroupRuleId", r.ID("sgr-")).
		Bool("isEgress", false).Str("ipProtocol", protocol).Int("fromPort", int64(fromPort)).
		Int("toPort", int64(toPort)).Str("cidrIpv4", cidr).End().End().End()
	return e
}

// CreateSnapshot records a snapshot snapshotID being taken of volumeID.
func (e *Event) CreateSnapshot(volumeID, snapshotID string, sizeGiB int) *Event {
	e.ec2Write("CreateSnapshot")
	e.Request.Str("volumeId", volumeID)
	e.Response.Str("snapshotId", snapshotID).Str("volumeId", volumeID).Str("status", "pending").
		Int("startTime", e.Time.UnixMilli()).Str("progress", "").Str("ownerId", e.Recipient).
		Str("volumeSize", strconv.Itoa(sizeGiB)).Bool("encrypted", false)
	return e
}

// ModifySnapshotAttribute records a snapshot being shared with another account (or "all" for public).
func (e *Event) ModifySnapshotAttribute(snapshotID, shareWith string) *Event {
	e.ec2Write("ModifySnapshotAttribute")
	add := e.Request.Str("snapshotId", snapshotID).Obj("createVolumePermission").Obj("add").Arr("items").Obj("")
	if shareWith == "all" {
		add.Str("group", "all")
	} else {
		add.Str("userId", shareWith)
	}
	e.Request.End().End().End().End().Str("attributeType", "CREATE_VOLUME_PERMISSION")
	e.Response.Bool("_return", true)
	return e
}

// CreateUser records the creation of IAM user userName with unique ID userID.
func (e *Event) CreateUser(userName, userID string) *Event {
	e.Call("iam.amazonaws.com", "CreateUser", false)
	e.Request.Str("userName", userName)
	e.Response.Obj("user").Str("path", "/").Str("userName", userName).Str("userId", userID).
		Str("arn", "arn:aws:iam::"+e.Recipient+":user/"+userName).Str("createDate", AWSDate(e.Time)).End()
	return e
}

// CreateLoginProfile records a console password being set for userName.
func (e *Event) CreateLoginProfile(userName string) *Event {
	e.Call("iam.amazonaws.com", "CreateLoginProfile", false)
	e.Request.Str("userName", userName).Str("passwordResetRequired", "false")
	e.Response.Obj("loginProfile").Str("userName", userName).Str("createDate", AWSDate(e.Time)).
		Bool("passwordResetRequired", false).End()
	return e
}

// AttachUserPolicy records a managed policy being attached to an IAM user.
func (e *Event) AttachUserPolicy(userName, policyARN string) *Event {
	e.Call("iam.amazonaws.com", "AttachUserPolicy", false)
	e.Request.Str("userName", userName).Str("policyArn", policyARN)
	return e
}

// AttachRolePolicy records a managed policy being attached to a role.
func (e *Event) AttachRolePolicy(roleName, policyARN string) *Event {
	e.Call("iam.amazonaws.com", "AttachRolePolicy", false)
	e.Request.Str("roleName", roleName).Str("policyArn", policyARN)
	return e
}

// CreateAccessKey records a new long-term key accessKeyID ("AKIA...") being made for userName.
func (e *Event) CreateAccessKey(userName, accessKeyID string) *Event {
	e.Call("iam.amazonaws.com", "CreateAccessKey", false)
	e.Request.Str("userName", userName)
	e.Response.Obj("accessKey").Str("accessKeyId", accessKeyID).Str("status", "Active").
		Str("userName", userName).Str("createDate", AWSDate(e.Time)).End()
	return e
}

// UpdateAssumeRolePolicy records a role's trust policy being replaced by policy (a JSON document).
func (e *Event) UpdateAssumeRolePolicy(roleName, policy string) *Event {
	e.Call("iam.amazonaws.com", "UpdateAssumeRolePolicy", false)
	e.Request.Str("roleName", roleName).Str("policyDocument", policy)
	return e
}

// S3Request starts an S3 call on bucket: S3's request ID and x-amz-id-2, the Host parameter, the bracketed user
// agent and the bucket resource.
func (e *Event) S3Request(r *Rand, name string, readOnly bool, bucket string) {
	e.Call("s3.amazonaws.com", name, readOnly)
	e.Version = "1.10"
	e.RequestID = r.S3RequestID()
	host := bucket + ".s3." + e.Region + ".amazonaws.com"
	if bucket == "" {
		host = "s3." + e.Region + ".amazonaws.com"
	}
	if e.TLSHost != "" {
		e.TLSHost = host
	}
	if ua := e.UserAgent; ua != "" && ua[0] != '[' && !isServiceAddress(ua) {
		e.UserAgent = "[" + ua + "]"
	}
	if bucket != "" {
		e.Request.Str("bucketName", bucket)
	}
	e.Request.Str("Host", host)
}

// S3Call records a bucket-level S3 call (GetBucketAcl, PutBucketPublicAccessBlock, DeleteBucketPolicy, ...)
// with what every S3 record carries: S3's request ID, the Host parameter, additionalEventData and the bucket
// resource. Add the call's own parameters to e.Request; S3 names a sub-resource with an empty one ("acl": "").
func (e *Event) S3Call(r *Rand, name string, readOnly bool, bucket string) *Event {
	e.S3Request(r, name, readOnly, bucket)
	e.S3Additional(r, 0, 0)
	return e.AddResource(e.Recipient, "AWS::S3::Bucket", "arn:aws:s3:::"+bucket)
}

// S3Additional writes S3's additionalEventData: in and out are the bytes transferred.
func (e *Event) S3Additional(r *Rand, in, out int64) {
	cipher := e.CipherSuite
	if cipher == "" {
		cipher = "TLS_AES_128_GCM_SHA256"
	}
	e.Additional.Str("SignatureVersion", "SigV4").Str("CipherSuite", cipher).Int("bytesTransferredIn", in).
		Str("AuthenticationMethod", "AuthHeader").Str("x-amz-id-2", r.S3HostID()).Int("bytesTransferredOut", out)
}

// S3Object records an S3 data event on one object (GetObject, PutObject, DeleteObject, ...): the call, its
// key, the bytes transferred in and out, and the object and bucket resources.
func (e *Event) S3Object(r *Rand, name string, readOnly bool, bucket, key string, in, out int64) *Event {
	e.S3Request(r, name, readOnly, bucket)
	e.Data()
	e.Request.Str("key", key)
	e.S3Additional(r, in, out)
	e.Resources = append(e.Resources,
		Resource{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + bucket + "/" + key},
		Resource{AccountID: e.Recipient, Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + bucket})
	return e
}

// GetObject records a read of an object (an S3 data event) that returned size bytes.
func (e *Event) GetObject(r *Rand, bucket, key string, size int64) *Event {
	return e.S3Object(r, "GetObject", true, bucket, key, 0, size)
}

// PutObject records a write of an object of size bytes (an S3 data event).
func (e *Event) PutObject(r *Rand, bucket, key string, size int64) *Event {
	e.S3Object(r, "PutObject", false, bucket, key, size, 0)
	e.Response.Str("x-amz-server-side-encryption", "AES256")
	return e
}

// DeleteObject records an object being deleted (an S3 data event).
func (e *Event) DeleteObject(r *Rand, bucket, key string) *Event {
	return e.S3Object(r, "DeleteObject", false, bucket, key, 0, 0)
}

// ListBuckets records a listing of the account's buckets.
func (e *Event) ListBuckets(r *Rand) *Event {
	e.S3Request(r, "ListBuckets", true, "")
	e.S3Additional(r, 0, int64(2000+r.IntN(8000)))
	return e
}

// PutBucketPolicy records a bucket policy being set: policy is the JSON document.
func (e *Event) PutBucketPolicy(r *Rand, bucket, policy string) *Event {
	e.S3Request(r, "PutBucketPolicy", false, bucket)
	e.Request.Raw("bucketPolicy", policy).Str("policy", "")
	e.S3Additional(r, int64(len(policy)), 0)
	return e.AddResource(e.Recipient, "AWS::S3::Bucket", "arn:aws:s3:::"+bucket)
}

// PublicReadPolicy returns a bucket policy that lets anyone read bucket's objects.
func PublicReadPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` +
		bucket + `/*"}]}`
}

// GetSecretValue records a secret being read; secretID is its ARN or name.
func (e *Event) GetSecretValue(secretID string) *Event {
	e.Call("secretsmanager.amazonaws.com", "GetSecretValue", true)
	e.Request.Str("secretId", secretID)
	return e
}

// GetParameter records an SSM parameter being read, decrypted or not.
func (e *Event) GetParameter(name string, decrypt bool) *Event {
	e.Call("ssm.amazonaws.com", "GetParameter", true)
	e.Request.Str("name", name).Bool("withDecryption", decrypt)
	return e
}

// Decrypt records a KMS decryption with the key keyARN.
func (e *Event) Decrypt(keyARN string) *Event {
	e.Call("kms.amazonaws.com", "Decrypt", true)
	e.Request.Str("encryptionAlgorithm", "SYMMETRIC_DEFAULT")
	return e.AddResource(e.Recipient, "AWS::KMS::Key", keyARN)
}

// GenerateDataKey records a data key being made under keyARN.
func (e *Event) GenerateDataKey(keyARN string) *Event {
	e.Call("kms.amazonaws.com", "GenerateDataKey", true)
	e.Request.Str("keyId", keyARN).Str("keySpec", "AES_256")
	return e.AddResource(e.Recipient, "AWS::KMS::Key", keyARN)
}

// StopLogging records a trail being stopped; trail is its name or ARN.
func (e *Event) StopLogging(trail string) *Event {
	e.Call("cloudtrail.amazonaws.com", "StopLogging", false)
	e.Request.Str("name", trail)
	return e
}

// DeleteTrail records a trail being deleted.
func (e *Event) DeleteTrail(trail string) *Event {
	e.Call("cloudtrail.amazonaws.com", "DeleteTrail", false)
	e.Request.Str("name", trail)
	return e
}
