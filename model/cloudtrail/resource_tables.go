package cloudtrail

import (
	"strings"

	"github.com/trailscope/trailscope/model/filter"
)

// The resource tables: the kinds of resources, the services the extractor knows, and what each key of
// their requests and responses names.

// Resource kinds. They follow the resource types of ARNs ("service:type"), so that a bare ID found in
// requestParameters and an ARN of the same thing canonicalise to the same kind.
const (
	kindEC2Instance      = "ec2:instance"
	kindEC2SecurityGroup = "ec2:security-group"
	kindEC2Volume        = "ec2:volume"
	kindEC2Snapshot      = "ec2:snapshot"
	kindEC2Image         = "ec2:image"
	kindEC2KeyPair       = "ec2:key-pair"
	kindEC2VPC           = "ec2:vpc"
	kindEC2Subnet        = "ec2:subnet"
	kindEC2ENI           = "ec2:network-interface"
	kindEC2FlowLog       = "ec2:vpc-flow-log"
	kindEC2IGW           = "ec2:internet-gateway"
	kindEC2RouteTable    = "ec2:route-table"
	kindEC2ElasticIP     = "ec2:elastic-ip"
	kindEC2NATGateway    = "ec2:natgateway"
	kindEC2NetworkACL    = "ec2:network-acl"
	kindEC2LaunchTmpl    = "ec2:launch-template"
	kindEC2TGW           = "ec2:transit-gateway"
	kindEC2Peering       = "ec2:vpc-peering-connection"

	kindS3Bucket = "s3:bucket"
	kindS3Object = "s3:object"

	kindIAMUser            = "iam:user"
	kindIAMRole            = "iam:role"
	kindIAMGroup           = "iam:group"
	kindIAMPolicy          = "iam:policy"
	kindIAMInstanceProfile = "iam:instance-profile"
	kindIAMAccessKey       = "iam:access-key"
	kindIAMMFA             = "iam:mfa"
	kindIAMSAMLProvider    = "iam:saml-provider"
	kindIAMOIDCProvider    = "iam:oidc-provider"
	kindIAMServerCert      = "iam:server-certificate"
	kindIAMRoot            = "iam:root"

	kindLambdaFunction = "lambda:function"
	kindLambdaLayer    = "lambda:layer"
	kindKMSKey         = "kms:key"
	kindKMSAlias       = "kms:alias"

	kindRDSDB              = "rds:db"
	kindRDSCluster         = "rds:cluster"
	kindRDSSnapshot        = "rds:snapshot"
	kindRDSClusterSnapshot = "rds:cluster-snapshot"
	kindRDSSubnetGroup     = "rds:subgrp"
	kindRDSSecurityGroup   = "rds:secgrp"

	kindTrail           = "cloudtrail:trail"
	kindSecret          = "secretsmanager:secret"
	kindSSMParameter    = "ssm:parameter"
	kindSSMDocument     = "ssm:document"
	kindSSMManaged      = "ssm:managed-instance"
	kindECSCluster      = "ecs:cluster"
	kindECSService      = "ecs:service"
	kindECSTaskDef      = "ecs:task-definition"
	kindEKSCluster      = "eks:cluster"
	kindEKSNodegroup    = "eks:nodegroup"
	kindDynamoDBTable   = "dynamodb:table"
	kindSNSTopic        = "sns:topic"
	kindSNSSubscription = "sns:subscription"
	kindSQSQueue        = "sqs:queue"
	kindStack           = "cloudformation:stack"
	kindStackSet        = "cloudformation:stackset"
	kindGuardDuty       = "guardduty:detector"
	kindConfigRecorder  = "config:configuration-recorder"
	kindConfigChannel   = "config:delivery-channel"
	kindConfigRule      = "config:config-rule"
	kindLogGroup        = "logs:log-group"
)

// Pseudo-kinds of the key tables: how to read a value rather than what it is.
const (
	pkARN      = "=arn"      // only ARNs (or arrays of ARNs); other strings are ignored
	pkInstance = "=instance" // i-... is an EC2 instance, mi-... an SSM managed instance
	pkEC2ByID  = "=ec2"      // an EC2 ID whose prefix says its kind: vpc-, sg-, i-, ...
	pkSkip     = "=skip"     // neither a resource nor worth walking into
	pkEC2Filt  = "=filter"   // EC2 filterSet: the values of filters such as vpc-id are IDs
)

// service is an eventSource the extractor knows keys of.
type service uint8

const (
	svcOther service = iota
	svcEC2
	svcS3
	svcIAM
	svcSTS
	svcLambda
	svcKMS
	svcRDS
	svcCloudTrail
	svcSecrets
	svcSSM
	svcECS
	svcEKS
	svcDynamoDB
	svcSNS
	svcSQS
	svcCloudFormation
	svcGuardDuty
	svcConfig
	svcLogs
)

func serviceOf(source string) service {
	switch filter.ServiceOf(source) {
	case "ec2":
		return svcEC2
	case "s3":
		return svcS3
	case "iam":
		return svcIAM
	case "sts":
		return svcSTS
	case "lambda":
		return svcLambda
	case "kms":
		return svcKMS
	case "rds":
		return svcRDS
	case "cloudtrail":
		return svcCloudTrail
	case "secretsmanager":
		return svcSecrets
	case "ssm":
		return svcSSM
	case "ecs":
		return svcECS
	case "eks":
		return svcEKS
	case "dynamodb":
		return svcDynamoDB
	case "sns":
		return svcSNS
	case "sqs":
		return svcSQS
	case "cloudformation":
		return svcCloudFormation
	case "guardduty":
		return svcGuardDuty
	case "config":
		return svcConfig
	case "logs":
		return svcLogs
	}
	return svcOther
}

// kindOf says what the value of a key holds in the event's service: a kind, a pseudo-kind, or ""
// for a key that names nothing (the walk goes on into it).
func (w *walker) kindOf(key string, depth int) string {
	var k string
	switch w.svc {
	case svcEC2:
		k = ec2Key(key, depth)
	case svcS3:
		k = s3Key(key)
	case svcIAM:
		k = w.iamKey(key)
	case svcSTS:
		switch key {
		case "accessKeyId":
			k = kindIAMAccessKey // the minted credentials
		case "serialNumber":
			k = kindIAMMFA
		}
	case svcLambda:
		switch key {
		case "functionName", "FunctionName":
			k = kindLambdaFunction
		case "layerName":
			k = kindLambdaLayer
		case "role", "layers":
			k = pkARN
		}
	case svcKMS:
		switch key {
		case "keyId", "targetKeyId", "destinationKeyId", "sourceKeyId", "KeyId":
			k = kindKMSKey
		case "aliasName":
			k = kindKMSAlias
		}
	case svcRDS:
		k = rdsKey(key)
	case svcCloudTrail:
		switch key {
		case "trailName", "trailNameList":
			k = kindTrail
		case "name":
			if depth == 0 && (strings.Contains(w.name, "Trail") || strings.Contains(w.name, "Logging")) {
				k = kindTrail
			}
		case "resourceIdList", "resourceId":
			k = pkARN
		}
	case svcSecrets:
		switch key {
		case "secretId", "secretIdList", "SecretId":
			k = kindSecret
		case "name":
			if depth == 0 {
				k = kindSecret
			}
		}
	case svcSSM:
		k = w.ssmKey(key, depth)
	case svcECS:
		switch key {
		case "cluster", "clusters", "clusterName":
			k = kindECSCluster
		case "service", "services", "serviceName":
			k = kindECSService
		case "taskDefinition", "family":
			k = kindECSTaskDef
		}
	case svcEKS:
		switch key {
		case "name":
			if depth <= 1 {
				k = kindEKSCluster
			}
		case "clusterName":
			k = kindEKSCluster
		case "nodegroupName":
			k = kindEKSNodegroup
		}
	case svcDynamoDB:
		switch key {
		case "tableName", "TableName", "globalTableName":
			k = kindDynamoDBTable
		}
	case svcSNS:
		if key == "name" && depth == 0 && w.name == "CreateTopic" {
			k = kindSNSTopic
		}
	case svcSQS:
		if key == "queueName" || key == "QueueName" {
			k = kindSQSQueue
		}
	case svcCloudFormation:
		switch key {
		case "stackName", "stackId", "StackName", "StackId":
			k = kindStack
		case "stackSetName", "StackSetName":
			k = kindStackSet
		}
	case svcGuardDuty:
		if key == "detectorId" {
			k = kindGuardDuty
		}
	case svcConfig:
		switch key {
		case "configurationRecorderName", "configurationRecorder", "ConfigurationRecorderName":
			k = kindConfigRecorder
		case "deliveryChannelName", "deliveryChannel", "DeliveryChannelName":
			k = kindConfigChannel
		case "configRuleName", "ConfigRuleName":
			k = kindConfigRule
		}
	case svcLogs:
		if key == "logGroupIdentifier" {
			k = kindLogGroup
		}
	}
	if k != "" {
		return k
	}
	return globalKey(key)
}

// globalKey covers keys that mean the same in every service.
func globalKey(key string) string {
	switch key {
	case "instanceId", "instanceIds", "InstanceId", "InstanceIds":
		return pkInstance
	case "s3BucketName", "S3BucketName":
		return kindS3Bucket
	case "kmsKeyId", "KmsKeyId", "kMSKeyId", "KMSKeyId":
		return kindKMSKey
	case "queueUrl", "QueueUrl":
		return kindSQSQueue
	case "logGroupName", "LogGroupName":
		return kindLogGroup
	// Policies, tags, filters and the caller's own session are not resources the event touched, and
	// policies name many ARNs (Resource, Principal, aws:SourceArn) that it did not touch.
	case "policy", "policyDocument", "bucketPolicy", "assumeRolePolicyDocument", "resourcePolicy",
		"Statement", "Condition", "tags", "tagSet", "tagSpecificationSet", "tagsList", "tagList",
		"Tags", "TagSpecification", "filterSet", "filters", "Filter", "environment",
		"assumedRoleUser", "federatedUser", "userIdentity", "runtimeVersionConfig":
		return pkSkip
	}
	return ""
}

func ec2Key(key string, depth int) string {
	switch key {
	case "instanceId":
		return kindEC2Instance
	case "groupId", "GroupId", "groupIds", "securityGroupIds", "SecurityGroupId":
		return kindEC2SecurityGroup
	case "groupName":
		if depth <= 1 {
			return kindEC2SecurityGroup // a security group named in the request; deeper it is "default" noise
		}
	case "volumeId", "VolumeId":
		return kindEC2Volume
	case "snapshotId", "sourceSnapshotId", "SnapshotId", "SourceSnapshotId":
		return kindEC2Snapshot
	case "imageId", "sourceImageId", "ImageId", "SourceImageId":
		return kindEC2Image
	case "keyName", "KeyName":
		return kindEC2KeyPair
	case "vpcId", "VpcId":
		return kindEC2VPC
	case "subnetId", "SubnetId":
		return kindEC2Subnet
	case "networkInterfaceId", "NetworkInterfaceId":
		return kindEC2ENI
	case "flowLogId", "flowLogIds", "FlowLogId", "FlowLogIds", "flowLogIdSet":
		return kindEC2FlowLog
	case "internetGatewayId", "InternetGatewayId":
		return kindEC2IGW
	case "routeTableId", "RouteTableId":
		return kindEC2RouteTable
	case "allocationId", "AllocationId":
		return kindEC2ElasticIP
	case "natGatewayId", "NatGatewayId":
		return kindEC2NATGateway
	case "networkAclId", "NetworkAclId":
		return kindEC2NetworkACL
	case "launchTemplateId", "launchTemplateName", "LaunchTemplateId", "LaunchTemplateName":
		return kindEC2LaunchTmpl
	case "transitGatewayId", "TransitGatewayId":
		return kindEC2TGW
	case "vpcPeeringConnectionId", "VpcPeeringConnectionId":
		return kindEC2Peering
	case "resourceId", "ResourceId":
		return pkEC2ByID
	case "filterSet":
		return pkEC2Filt
	case "LogDestination", "logDestination":
		return pkARN // the log group or bucket a flow log writes to
	case "iamInstanceProfile", "IamInstanceProfile":
		return kindIAMInstanceProfile // {"name": ...} or {"arn": ...}
	}
	return ""
}

func s3Key(key string) string {
	switch key {
	case "bucketName", "bucket", "Bucket", "TargetBucket":
		return kindS3Bucket
	case "x-amz-copy-source":
		return kindS3Object
	}
	return ""
}

func (w *walker) iamKey(key string) string {
	switch key {
	case "userName", "newUserName":
		return kindIAMUser
	case "roleName":
		return kindIAMRole
	case "groupName", "newGroupName":
		return kindIAMGroup
	case "policyName":
		return kindIAMPolicy // an inline policy, or a managed one being created: named, either way
	case "instanceProfileName":
		return kindIAMInstanceProfile
	case "accessKeyId":
		return kindIAMAccessKey
	case "serialNumber", "virtualMFADeviceName":
		return kindIAMMFA
	case "serverCertificateName", "newServerCertificateName":
		return kindIAMServerCert
	case "url":
		if strings.Contains(w.name, "OpenIDConnectProvider") {
			return kindIAMOIDCProvider
		}
	case "name":
		if strings.Contains(w.name, "SAMLProvider") {
			return kindIAMSAMLProvider
		}
	}
	return ""
}

func rdsKey(key string) string {
	switch key {
	case "dBInstanceIdentifier", "sourceDBInstanceIdentifier", "targetDBInstanceIdentifier":
		return kindRDSDB
	case "dBClusterIdentifier", "sourceDBClusterIdentifier", "targetDBClusterIdentifier":
		return kindRDSCluster
	case "dBSnapshotIdentifier", "sourceDBSnapshotIdentifier", "targetDBSnapshotIdentifier", "finalDBSnapshotIdentifier":
		return kindRDSSnapshot
	case "dBClusterSnapshotIdentifier", "sourceDBClusterSnapshotIdentifier", "targetDBClusterSnapshotIdentifier":
		return kindRDSClusterSnapshot
	case "dBSubnetGroupName":
		return kindRDSSubnetGroup
	case "dBSecurityGroupName":
		return kindRDSSecurityGroup
	case "resourceName":
		return pkARN
	}
	return ""
}

func (w *walker) ssmKey(key string, depth int) string {
	switch key {
	case "name", "names":
		if depth == 0 {
			switch {
			case strings.Contains(w.name, "Parameter"):
				return kindSSMParameter
			case strings.Contains(w.name, "Document"):
				return kindSSMDocument
			}
		}
	case "documentName":
		return kindSSMDocument
	case "target":
		return pkInstance
	}
	return ""
}
