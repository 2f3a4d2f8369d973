package cloudtrail

// ResourceKinds lists the kinds ExtractResources gives the resources it recognises by a request's
// keys or an ARN's service ("ec2:instance" for an instanceId, "s3:bucket" for a bucket's ARN), whose
// names a record does not spell out. A source that filters resources elsewhere (Athena's SQL)
// reads it to tell a value that names a kind from one that names an ID. Other kinds are the
// "service:type" of an ARN, written in the ARN itself.
func ResourceKinds() []string {
	return []string{
		kindEC2Instance, kindEC2SecurityGroup, kindEC2Volume, kindEC2Snapshot, kindEC2Image, kindEC2KeyPair,
		kindEC2VPC, kindEC2Subnet, kindEC2ENI, kindEC2FlowLog, kindEC2IGW, kindEC2RouteTable, kindEC2ElasticIP,
		kindEC2NATGateway, kindEC2NetworkACL, kindEC2LaunchTmpl, kindEC2TGW, kindEC2Peering, kindS3Bucket,
		kindS3Object, kindIAMUser, kindIAMRole, kindIAMGroup, kindIAMPolicy, kindIAMInstanceProfile,
		kindIAMAccessKey, kindIAMMFA, kindIAMSAMLProvider, kindIAMOIDCProvider, kindIAMServerCert, kindIAMRoot,
		kindLambdaFunction, kindLambdaLayer, kindKMSKey, kindKMSAlias, kindRDSDB, kindRDSCluster, kindRDSSnapshot,
		kindRDSClusterSnapshot, kindRDSSubnetGroup, kindRDSSecurityGroup, kindTrail, kindSecret, kindSSMParameter,
		kindSSMDocument, kindSSMManaged, kindECSCluster, kindECSService, kindECSTaskDef, kindEKSCluster,
		kindEKSNodegroup, kindDynamoDBTable, kindSNSTopic, kindSNSSubscription, kindSQSQueue, kindStack,
		kindStackSet, kindGuardDuty, kindConfigRecorder, kindConfigChannel, kindConfigRule, kindLogGroup,
	}
}
