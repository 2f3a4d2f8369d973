package world

import (
	"strconv"
	"strings"

	"github.com/trailscope/trailscope/source/synth"
)

// A world is everything the generator invents once from the seed and then draws on: accounts, their IAM
// users, roles, Identity Center users and workloads, and the resources calls are made on. It is read-only
// once built and shared by all workers.
type world struct {
	shape    Shape
	regions  []region // the regions trails record, by traffic
	accounts []*account
	offices  []string // office egress addresses, shared by the company's people
	org      string   // the organization's ID (o-...): organization trails name their files after it
}

// persona is a way of using AWS: which calls a principal makes, and how often.
type persona uint8

const (
	pAdmin   persona = iota // administrators: anything, writes included
	pDev                    // developers: compute, storage, logs, deployments
	pAudit                  // auditors and read-only roles: reads across every service
	pDeploy                 // CI and Terraform: mostly reads of configuration, some writes
	pApp                    // applications on EC2 and ECS: objects, secrets, parameters, keys, queues
	pLambda                 // Lambda functions: like applications, plus tables and events
	pData                   // data pipelines: objects, Glue, Athena
	pMonitor                // monitoring integrations and AWS services' own roles: describes and lists
	pAuto                   // Auto Scaling, ECS and ELB service roles: capacity changes
	pRoot                   // the root user: account settings and IAM
	nPersonas
)

// region is a region a trail records, and its share of the traffic.
type region struct {
	name   string
	weight float64
}

// simpleRegions says how a trail's traffic spreads over regions; us-east-1, home of the global services,
// carries the most.
var simpleRegions = []region{
	{"us-east-1", 0.45}, {"us-west-2", 0.18}, {"eu-west-1", 0.14}, {"eu-central-1", 0.08},
	{"ap-southeast-2", 0.06}, {"ap-northeast-1", 0.05}, {"us-east-2", 0.04},
}

// orgRegions are an organization's: the same, and a long tail of regions with a little traffic each.
var orgRegions = []region{
	{"us-east-1", 0.40}, {"us-west-2", 0.16}, {"eu-west-1", 0.12}, {"eu-central-1", 0.07},
	{"ap-southeast-2", 0.05}, {"ap-northeast-1", 0.05}, {"us-east-2", 0.04}, {"ca-central-1", 0.03},
	{"eu-west-2", 0.03}, {"ap-south-1", 0.02}, {"sa-east-1", 0.015}, {"eu-north-1", 0.015},
}

var accountEnvs = []string{"prod", "staging", "dev", "shared", "security", "sandbox", "data", "network"}

type account struct {
	idx   int
	id    string
	env   string
	infix string // shared start of the account's key and unique IDs

	users     []*user // IAM users with long-term keys
	humans    []*user // the subset that are people (console sign-ins)
	roles     []*role // roles people and pipelines assume
	chainable []*role // roles other sessions assume (role chaining)
	sso       []*role // AWSReservedSSO_* roles, one per permission set
	ssoUsers  []ssoUser
	samlARN   string // the Identity Center SAML provider
	samlQual  string // its name qualifier
	oidcARN   string // GitHub's OIDC provider
	ghRole    *role
	ghSubs    []string
	workloads []*workload // EC2 instances and Lambda functions with roles
	tasks     []*role     // ECS task roles (ShapeOrg): every task gets credentials of its own
	linked    []*role     // service-linked roles
	root      synth.Identity
	rootKey   string
	regions   []*regionRes
	buckets   []*bucket
	trail     string
	zone      string // a Route 53 hosted zone
}

type user struct {
	ident   synth.Identity // with the active AKIA key
	console synth.Identity // the same user signed in to the console (no key)
	ips     []string
	uas     []string
	cli     []bool // uas[i] is an aws-cli user agent
	persona persona
	human   bool
	mfa     bool
}

type role struct {
	synth.Role
	persona persona
	service string // the service that assumes it (service-linked, EC2, Lambda)
	session string // the session name services use
}

type ssoUser struct {
	email string
	sets  []*role
	ips   []string
	cli   string // aws-cli user agent of their laptop
}

// workload is an EC2 instance or a Lambda function with a role: its sessions are minted by the service.
type workload struct {
	role    *role
	region  int
	name    string // instance ID or function name: the session name
	ip      string // the instance's public address; empty for functions
	ua      string
	persona persona
	lambda  bool
	life    int64 // for instances of an Auto Scaling group: seconds an instance lives before it is replaced
}

type bucket struct {
	name   string
	region int
	kind   int // which key pattern its objects follow
}

// regionRes holds the resources of one account in one region.
type regionRes struct {
	vpcs, subnets, sgs, instances, volumes, snapshots, amis, eni   []string
	keys, secrets, params, functions, tables, queues, topics, logs []string
	dbs, clusters, repos, stacks, streams, machines, eks, tgs      []string
	asgs, rules, crawlers, workgroups                              []string
	buckets                                                        []*bucket
}

var (
	firstNames = strings.Fields(`alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy
		rupert sybil trent victor walter yasmin zoe aaron bianca chen diego elena farah gustavo hana igor jamal
		kenji lucia mateo nadia omar priya quentin rosa sanjay tomas uma valentina wei xavier yusuf amara bruno
		clara dmitri esther felix giulia hiro ines jonas kira liam maya noah`)
	lastNames = strings.Fields(`smith garcia chen patel kim nguyen muller rossi silva kowalski ivanova okafor
		tanaka haddad larsen novak dubois fischer moreau lopez brown jensen costa sato weber`)
	apps = strings.Fields(`orders payments inventory auth search billing notifications reports analytics
		catalog checkout shipping users media gateway ledger`)
	serviceUsers = []struct {
		name    string
		persona persona
		ua      int
	}{
		{"ci-deploy", pDeploy, uaTerraform}, {"terraform", pDeploy, uaTerraform}, {"jenkins", pDeploy, uaCLI},
		{"backup-agent", pData, uaBoto3}, {"s3-sync", pData, uaCLI}, {"sftp-transfer", pData, uaJava},
		{"legacy-reporting", pData, uaBoto3}, {"svc-billing-export", pData, uaGo},
		{"datadog-integration", pMonitor, uaBoto3}, {"grafana-cloudwatch", pMonitor, uaGo},
		{"splunk-ingest", pMonitor, uaBoto3}, {"github-actions-legacy", pDeploy, uaJS},
	}
	permissionSets = []struct {
		name    string
		persona persona
	}{
		{"AdministratorAccess", pAdmin}, {"PowerUserAccess", pDev}, {"ReadOnlyAccess", pAudit},
		{"DeveloperAccess", pDev}, {"SecurityAudit", pAudit}, {"DataScientist", pData}, {"ViewOnlyAccess", pAudit},
	}
	linkedRoles = []struct {
		role, service, session string
		persona                persona
	}{
		{"AWSServiceRoleForConfig", "config.amazonaws.com", "AWSConfig-Describe", pMonitor},
		{"AWSServiceRoleForAmazonInspector2", "inspector2.amazonaws.com", "MandoService", pMonitor},
		{"AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com", "TrustedAdvisor", pMonitor},
		{"AWSServiceRoleForSecurityHub", "securityhub.amazonaws.com", "securityhub", pMonitor},
		{"AWSServiceRoleForAmazonGuardDuty", "guardduty.amazonaws.com", "AmazonGuardDuty", pMonitor},
		{"AWSServiceRoleForAccessAnalyzer", "access-analyzer.amazonaws.com", "access-analyzer", pMonitor},
		{"AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com", "AutoScaling", pAuto},
		{"AWSServiceRoleForECS", "ecs.amazonaws.com", "ecs-service-scheduler", pAuto},
		{"AWSServiceRoleForElasticLoadBalancing", "elasticloadbalancing.amazonaws.com", "ElasticLoadBalancing", pAuto},
	}
)

// User agents, by kind. aws-cli's get " md/command#service.operation" appended per call, as aws-cli v2 does.
const (
	uaCLI = iota
	uaBoto3
	uaTerraform
	uaConsole
	uaGo
	uaJava
	uaJS
	uaSSM
	uaLambdaPy
	uaLambdaJS
	nUA
)

var userAgents = [nUA][]string{
	uaCLI: {
		"aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1014-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off",
		"aws-cli/2.17.4 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off",
		"aws-cli/2.22.2 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off",
		"aws-cli/2.13.25 Python/3.11.5 Windows/10 exe/AMD64 prompt/off",
		"aws-cli/1.32.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.15.0-1057-aws md/arch#x86_64 lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.69",
	},
	uaBoto3: {
		"Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
		"Boto3/1.28.85 md/Botocore#1.31.85 ua/2.0 os/linux#6.1.0-18-cloud-amd64 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.85",
		"Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36",
	},
	uaTerraform: {
		"APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.152.0",
		"APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.74.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.3 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/iam#1.37.3",
		"APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/4.67.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.261 (go1.19.8; linux; amd64) HashiCorp-terraform-exec/0.17.3",
	},
	uaConsole: {
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"AWS Internal",
	},
	uaGo: {
		"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.2",
		"aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#arm64 api/cloudwatch#1.37.0",
		"aws-sdk-go/1.50.38 (go1.21.8; linux; amd64)",
	},
	uaJava: {
		"aws-sdk-java/2.25.31 Linux/5.10.215-203.850.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
		"aws-sdk-java/1.12.705 Linux/5.15.0-1061-aws OpenJDK_64-Bit_Server_VM/11.0.22+7-post-Ubuntu-0ubuntu222.04.1 java/11.0.22 vendor/Ubuntu cfg/retry-mode/legacy",
	},
	uaJS: {
		"aws-sdk-js/3.556.0 ua/2.0 os/linux#5.15.0-1064-azure lang/js md/nodejs#20.12.2 api/sts#3.556.0",
		"aws-sdk-nodejs/2.1590.0 linux/v18.20.2 promise",
	},
	uaSSM: {
		"aws-sdk-go/1.50.38 (go1.22.1; linux; amd64) amazon-ssm-agent/3.3.131.0",
	},
	uaLambdaPy: {
		"Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.226-235.879.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145",
	},
	uaLambdaJS: {
		"aws-sdk-js/3.583.0 ua/2.0 os/linux#5.10.226-235.879.amzn2.x86_64 lang/js md/nodejs#20.17.0 api/dynamodb#3.583.0 exec-env/AWS_Lambda_nodejs20.x",
	},
}

// newWorld invents the accounts of a seed.
func newWorld(seed uint64, accounts int, shape Shape) *world {
	r := synth.NewRand(seed, 0x5eed)
	w := &world{shape: shape, regions: simpleRegions}
	if shape == ShapeOrg {
		w.regions = orgRegions
	}
	for range 4 {
		w.offices = append(w.offices, r.PublicIP())
	}
	for i := range accounts {
		w.accounts = append(w.accounts, newAccount(r, w, i))
	}
	if shape == ShapeOrg {
		w.org = "o-" + r.FromAlphabet(lowerAlnum, 10)
	}
	return w
}

const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

func newAccount(r *synth.Rand, w *world, idx int) *account {
	a := &account{idx: idx, env: accountEnvs[idx%len(accountEnvs)]}
	if idx >= len(accountEnvs) {
		a.env += strconv.Itoa(idx / len(accountEnvs))
	}
	a.id = strconv.FormatInt(1e11+r.Int64N(9e11), 10)
	a.infix = r.KeyInfix()
	a.zone = "Z0" + r.FromAlphabet(synth.UpperAlnum, 19)
	a.trail = "org-trail"
	if idx > 0 {
		a.trail = a.env + "-management-events"
	}

	// People with IAM users, and service users with keys.
	used := map[string]bool{}
	nHumans := 14 + r.IntN(10)
	for len(a.humans) < nHumans {
		first, last := synth.Pick(r, firstNames), synth.Pick(r, lastNames)
		name := first + "." + last
		if r.IntN(3) == 0 {
			name = first[:1] + last
		}
		if used[name] {
			continue
		}
		used[name] = true
		u := &user{human: true, mfa: r.IntN(5) > 0}
		switch x := r.IntN(10); {
		case x < 2:
			u.persona = pAdmin
		case x < 7:
			u.persona = pDev
		default:
			u.persona = pAudit
		}
		u.ips = []string{synth.Pick(r, w.offices), r.PublicIP()}
		for range r.IntN(4) {
			u.ips = append(u.ips, r.PublicIP())
		}
		for _, k := range []int{uaCLI, uaConsole, synth.Pick(r, []int{uaBoto3, uaTerraform, uaCLI})} {
			u.uas = append(u.uas, synth.Pick(r, userAgents[k]))
			u.cli = append(u.cli, k == uaCLI)
		}
		a.addUser(r, u, name)
		a.humans = append(a.humans, u)
	}
	for _, s := range serviceUsers {
		if r.IntN(4) == 0 {
			continue
		}
		u := &user{persona: s.persona}
		if s.persona == pMonitor || r.IntN(2) == 0 {
			u.ips = []string{r.AWSIP(), r.AWSIP()}
		} else {
			u.ips = []string{r.PublicIP()}
		}
		u.uas = []string{synth.Pick(r, userAgents[s.ua])}
		u.cli = []bool{s.ua == uaCLI}
		a.addUser(r, u, s.name)
	}

	// Roles people and pipelines assume, and the ones sessions chain into.
	for _, rd := range []struct {
		name    string
		persona persona
		chain   bool
	}{
		{"Admin", pAdmin, false}, {"ReadOnly", pAudit, false}, {"Developer", pDev, false},
		{"TerraformExecution", pDeploy, true}, {"DeployRole", pDeploy, true}, {"DataEngineer", pData, true},
		{"SecurityAudit", pAudit, true}, {"OrganizationAccountAccessRole", pAdmin, true}, {"BreakGlass", pAdmin, false},
	} {
		ro := a.newRole(r, rd.name, "/", rd.persona)
		a.roles = append(a.roles, ro)
		if rd.chain {
			a.chainable = append(a.chainable, ro)
		}
	}

	// IAM Identity Center.
	hex := r.Hex(16)
	for _, ps := range permissionSets {
		a.sso = append(a.sso, a.newRole(r, "AWSReservedSSO_"+ps.name+"_"+r.Hex(16),
			"/aws-reserved/sso.amazonaws.com/", ps.persona))
	}
	a.samlARN = "arn:aws:iam::" + a.id + ":saml-provider/AWSSSO_" + hex + "_DO_NOT_DELETE"
	a.samlQual = r.FromAlphabet(synth.Base64Digits[:62], 27) + "="
	nSSO := 20 + r.IntN(20)
	for i := 0; i < nSSO; i++ {
		first, last := synth.Pick(r, firstNames), synth.Pick(r, lastNames)
		su := ssoUser{email: first + "." + last + "@example.com", ips: []string{r.PublicIP(), synth.Pick(r, w.offices)},
			cli: synth.Pick(r, userAgents[uaCLI])}
		for range r.IntN(3) {
			su.ips = append(su.ips, r.PublicIP())
		}
		su.sets = append(su.sets, a.sso[r.IntN(len(a.sso))])
		if r.IntN(3) == 0 {
			su.sets = append(su.sets, a.sso[r.IntN(len(a.sso))])
		}
		a.ssoUsers = append(a.ssoUsers, su)
	}

	// GitHub Actions through OIDC.
	a.oidcARN = "arn:aws:iam::" + a.id + ":oidc-provider/token.actions.githubusercontent.com"
	a.ghRole = a.newRole(r, "github-actions-deploy", "/", pDeploy)
	for _, repo := range []string{"infra", "orders-service", "payments-api", "data-pipelines", "frontend"} {
		a.ghSubs = append(a.ghSubs, "repo:acme/"+repo+":ref:refs/heads/main", "repo:acme/"+repo+":environment:"+a.env)
	}

	for _, l := range linkedRoles {
		ro := a.newRole(r, l.role, "/aws-service-role/"+l.service+"/", l.persona)
		ro.service, ro.session = l.service, l.session
		a.linked = append(a.linked, ro)
	}
	a.rootKey = r.AccessKeyID("ASIA", a.infix)
	a.root = synth.Root(a.id, a.rootKey)

	for ri := range w.regions {
		a.regions = append(a.regions, a.newRegion(r, w.regions, ri))
	}

	// Workloads: instances with instance profiles, functions with execution roles.
	for _, app := range apps {
		if r.IntN(3) == 0 {
			continue
		}
		ri := w.weightedRegion(r)
		res := a.regions[ri]
		ro := a.newRole(r, app+"-"+a.env+"-instance-role", "/", pApp)
		ro.service = "ec2.amazonaws.com"
		for range 2 + r.IntN(5) {
			id := r.ID("i-")
			res.instances = append(res.instances, id)
			ua := synth.Pick(r, userAgents[synth.Pick(r, []int{uaJava, uaGo, uaBoto3, uaJS})])
			if r.IntN(5) == 0 {
				ua = userAgents[uaSSM][0]
			}
			wl := &workload{role: ro, region: ri, name: id, ip: r.AWSIP(), ua: ua, persona: pApp}
			if r.IntN(2) == 0 {
				wl.life = 3600 * (6 + r.Int64N(43))
			}
			a.workloads = append(a.workloads, wl)
		}
	}
	for _, app := range apps {
		for _, fn := range []string{"-handler", "-processor", "-sync"} {
			if r.IntN(3) != 0 {
				continue
			}
			ri := w.weightedRegion(r)
			name := app + fn
			ro := a.newRole(r, name+"-role-"+r.Suffix(8), "/service-role/", pLambda)
			ro.service = "lambda.amazonaws.com"
			a.regions[ri].functions = append(a.regions[ri].functions, name)
			ua := userAgents[uaLambdaPy][0]
			if r.IntN(2) == 0 {
				ua = userAgents[uaLambdaJS][0]
			}
			a.workloads = append(a.workloads, &workload{role: ro, region: ri, name: name, ua: ua, persona: pLambda, lambda: true})
		}
	}
	for _, res := range a.regions {
		if len(res.functions) == 0 {
			res.functions = []string{synth.Pick(r, apps) + "-handler"}
		}
	}
	if w.shape == ShapeOrg {
		for _, app := range apps {
			ro := a.newRole(r, app+"-"+a.env+"-task-role", "/", pApp)
			ro.service = "ecs-tasks.amazonaws.com"
			a.tasks = append(a.tasks, ro)
		}
	}
	return a
}

func (a *account) addUser(r *synth.Rand, u *user, name string) {
	id := r.UniqueID("AIDA", a.infix)
	u.ident = synth.IAMUser(a.id, name, id, r.AccessKeyID("AKIA", a.infix))
	u.console = synth.IAMUser(a.id, name, id, "")
	a.users = append(a.users, u)
}

func (a *account) newRole(r *synth.Rand, name, path string, p persona) *role {
	return &role{Role: synth.Role{Account: a.id, Name: name, Path: path, ID: r.UniqueID("AROA", a.infix)}, persona: p}
}

// weightedRegion picks a region index by traffic weight.
func (w *world) weightedRegion(r *synth.Rand) int {
	x := r.Float64()
	for i, rw := range w.regions {
		if x < rw.weight {
			return i
		}
		x -= rw.weight
	}
	return 0
}

// Object key patterns, by bucket kind.
const (
	bkData = iota
	bkUploads
	bkBackups
	bkArtifacts
	bkStatic
	bkLogs
	bkState
	bkAthena
	nBucketKinds
)

func (a *account) newRegion(r *synth.Rand, regions []region, ri int) *regionRes {
	reg := regions[ri].name
	scale := regions[ri].weight / regions[0].weight
	n := func(base int) int { return max(2, int(float64(base)*scale+0.5)) }
	arn := func(svc, rest string) string { return "arn:aws:" + svc + ":" + reg + ":" + a.id + ":" + rest }
	res := &regionRes{}
	ids := func(prefix string, k int) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = r.ID(prefix)
		}
		return out
	}
	names := func(k int, f func(app string, i int) string) []string {
		out := make([]string, 0, k)
		for i := 0; i < k; i++ {
			out = append(out, f(apps[r.IntN(len(apps))], i))
		}
		return out
	}
	res.vpcs = ids("vpc-", 2)
	res.subnets = ids("subnet-", n(8))
	res.sgs = ids("sg-", n(16))
	res.instances = ids("i-", n(30))
	res.volumes = ids("vol-", n(40))
	res.snapshots = ids("snap-", n(20))
	res.amis = ids("ami-", 6)
	res.eni = ids("eni-", n(30))
	for range n(6) {
		res.keys = append(res.keys, arn("kms", "key/"+r.UUID()))
	}
	res.secrets = names(n(12), func(app string, _ int) string {
		return arn("secretsmanager", "secret:"+a.env+"/"+app+"/"+synth.Pick(r, []string{"db-credentials", "api-key", "oauth-client", "stripe-key"})+"-"+r.Suffix(6))
	})
	res.params = names(n(24), func(app string, _ int) string {
		return "/" + a.env + "/" + app + "/" + synth.Pick(r, []string{"db_host", "db_password", "feature_flags", "api_endpoint", "log_level", "queue_url"})
	})
	res.tables = names(n(8), func(app string, i int) string {
		return a.env + "-" + app + "-" + synth.Pick(r, []string{"events", "sessions", "state", "items"})
	})
	res.queues = names(n(8), func(app string, i int) string {
		return "https://sqs." + reg + ".amazonaws.com/" + a.id + "/" + a.env + "-" + app + synth.Pick(r, []string{"-jobs", "-events", "-dlq"})
	})
	res.topics = names(n(6), func(app string, _ int) string { return arn("sns", a.env+"-"+app+"-notifications") })
	res.logs = names(n(24), func(app string, _ int) string {
		return synth.Pick(r, []string{"/aws/lambda/" + app + "-handler", "/ecs/" + a.env + "-" + app, "/aws/rds/instance/" + app + "-db/postgresql", "/" + a.env + "/" + app + "/app"})
	})
	res.dbs = names(n(4), func(app string, _ int) string { return a.env + "-" + app + "-db" })
	res.clusters = []string{a.env + "-cluster", a.env + "-batch"}
	res.repos = names(n(8), func(app string, _ int) string { return app + "-service" })
	res.stacks = names(n(10), func(app string, _ int) string { return a.env + "-" + app + "-stack" })
	res.streams = names(n(3), func(app string, _ int) string { return a.env + "-" + app + "-stream" })
	res.machines = names(n(3), func(app string, _ int) string { return arn("states", "stateMachine:"+app+"-workflow") })
	res.eks = []string{a.env + "-eks"}
	res.tgs = names(n(6), func(app string, _ int) string {
		return arn("elasticloadbalancing", "targetgroup/"+app+"-tg/"+r.Hex(16))
	})
	res.asgs = names(n(4), func(app string, _ int) string { return a.env + "-" + app + "-asg" })
	res.rules = names(n(6), func(app string, _ int) string { return app + "-schedule" })
	res.crawlers = names(n(3), func(app string, _ int) string { return app + "-crawler" })
	res.workgroups = []string{"primary", a.env + "-analytics"}
	for range n(7) {
		kind := r.IntN(nBucketKinds)
		purpose := []string{"data-lake", "uploads", "backups", "artifacts", "static-assets", "logs", "terraform-state", "athena-results"}[kind]
		b := &bucket{name: "acme-" + a.env + "-" + synth.Pick(r, apps) + "-" + purpose + "-" + reg, region: ri, kind: kind}
		res.buckets = append(res.buckets, b)
		a.buckets = append(a.buckets, b)
	}
	return res
}

// objectKey returns a key of the kind bucket b holds, dated around day.
func objectKey(r *synth.Rand, b *bucket, acct, day string) string {
	switch b.kind {
	case bkData:
		return "raw/" + synth.Pick(r, apps) + "/dt=" + day + "/part-" + strconv.Itoa(10000 + r.IntN(90000))[1:] + "-" + r.UUID() + ".snappy.parquet"
	case bkUploads:
		return "uploads/" + r.UUID() + synth.Pick(r, []string{".jpg", ".png", ".pdf", ".csv"})
	case bkBackups:
		return "db/" + synth.Pick(r, apps) + "/" + day + "/dump-" + day + "T0" + strconv.Itoa(r.IntN(10)) + "00.sql.gz"
	case bkArtifacts:
		return "builds/" + synth.Pick(r, apps) + "/" + r.Hex(7) + "/app.zip"
	case bkStatic:
		return "assets/" + synth.Pick(r, []string{"js", "css", "img"}) + "/main." + r.Hex(8) + synth.Pick(r, []string{".js", ".css", ".svg"})
	case bkLogs:
		return "AWSLogs/" + acct + "/elasticloadbalancing/" + strings.ReplaceAll(day, "-", "/") + "/" + r.Hex(12) + ".log.gz"
	case bkState:
		return "env/" + synth.Pick(r, apps) + "/terraform.tfstate"
	default:
		return "results/" + r.UUID() + ".csv"
	}
}
