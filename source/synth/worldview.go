package synth

// World describes the organisation a seed invents: the accounts, people, roles, workloads and resources the
// background records of Generate and Records are made of. Hand-made records (the incidents of a scenario) use
// it to act with the same identities, from the same addresses, on the same resources, so that they blend in.
type World struct {
	Accounts []WorldAccount
	Offices  []string // the company's office egress addresses
}

// WorldAccount is one account of a World.
type WorldAccount struct {
	ID    string
	Env   string // "prod", "staging", ...
	Trail string // the name of the account's trail
	// KeyInfix starts the account's access keys and unique IDs: give hand-made ones the same (AccessKeyID,
	// UniqueID) to make them look like the account's.
	KeyInfix     string
	Users        []WorldUser // IAM users with long-term keys: people first, then service users
	Roles        []Role      // roles people and pipelines assume: Admin, ReadOnly, Developer, DeployRole, ...
	SSORoles     []Role      // AWSReservedSSO_* roles, one per permission set
	SSOUsers     []WorldSSOUser
	SAMLProvider string // the Identity Center SAML provider's ARN
	LinkedRoles  []WorldLinkedRole
	Instances    []WorldInstance // instances with instance profiles whose ID does not change over the week
	Regions      []WorldRegion   // in the order of the regions' traffic, us-east-1 first
	Root         Identity        // the root user, with the key of its console session
}

// WorldUser is an IAM user.
type WorldUser struct {
	Identity   Identity // calling with the user's active long-term key
	Console    Identity // the same user signed in to the console (no key)
	IPs        []string // the addresses the user calls from, the usual one first
	UserAgents []string // for a person: aws-cli, a browser, and a third tool
	Human      bool
	MFA        bool
}

// Name returns the user's name.
func (u WorldUser) Name() string { return u.Identity.UserName }

// WorldSSOUser is an IAM Identity Center user, who signs in to the account through SAML.
type WorldSSOUser struct {
	Email string
	IPs   []string
	CLI   string // the aws-cli user agent of their laptop
	Sets  []Role // the roles of the permission sets they are assigned
}

// WorldLinkedRole is a service-linked role: Service assumes it, with sessions named Session.
type WorldLinkedRole struct {
	Role
	Service, Session string
}

// WorldInstance is an EC2 instance whose instance profile role calls AWS.
type WorldInstance struct {
	ID, Region string
	Role       Role
	IP         string // its public address
	UserAgent  string
}

// WorldRegion holds the resources of one account in one region.
type WorldRegion struct {
	Name                                   string
	VPCs, Subnets, SecurityGroups          []string
	Instances, Volumes, Snapshots, Images  []string
	KMSKeys, Secrets, Functions, LogGroups []string
	Buckets                                []string
	DBInstances, AutoScalingGroups, Stacks []string
}

// NewWorld returns the world that Generate and Records invent for a seed and a number of accounts (0: 2),
// the Seed and Accounts of their Options.
func NewWorld(seed int64, accounts int) *World {
	if accounts <= 0 {
		accounts = 2
	}
	w := newWorld(uint64(seed), accounts, ShapeSimple)
	out := &World{Offices: append([]string(nil), w.offices...)}
	for _, a := range w.accounts {
		wa := WorldAccount{ID: a.id, Env: a.env, Trail: a.trail, KeyInfix: a.infix, SAMLProvider: a.samlARN, Root: a.root}
		for _, u := range a.users {
			wa.Users = append(wa.Users, WorldUser{Identity: u.ident, Console: u.console, IPs: u.ips,
				UserAgents: u.uas, Human: u.human, MFA: u.mfa})
		}
		for _, ro := range a.roles {
			wa.Roles = append(wa.Roles, ro.Role)
		}
		for _, ro := range a.sso {
			wa.SSORoles = append(wa.SSORoles, ro.Role)
		}
		for _, su := range a.ssoUsers {
			ws := WorldSSOUser{Email: su.email, IPs: su.ips, CLI: su.cli}
			for _, s := range su.sets {
				ws.Sets = append(ws.Sets, s.Role)
			}
			wa.SSOUsers = append(wa.SSOUsers, ws)
		}
		for _, ro := range a.linked {
			wa.LinkedRoles = append(wa.LinkedRoles, WorldLinkedRole{Role: ro.Role, Service: ro.service, Session: ro.session})
		}
		for _, wl := range a.workloads {
			if wl.lambda || wl.life > 0 {
				continue
			}
			wa.Instances = append(wa.Instances, WorldInstance{ID: wl.name, Region: w.regions[wl.region].name,
				Role: wl.role.Role, IP: wl.ip, UserAgent: wl.ua})
		}
		for ri, res := range a.regions {
			wr := WorldRegion{Name: w.regions[ri].name, VPCs: res.vpcs, Subnets: res.subnets, SecurityGroups: res.sgs,
				Instances: res.instances, Volumes: res.volumes, Snapshots: res.snapshots, Images: res.amis,
				KMSKeys: res.keys, Secrets: res.secrets, Functions: res.functions, LogGroups: res.logs,
				DBInstances: res.dbs, AutoScalingGroups: res.asgs, Stacks: res.stacks}
			for _, b := range res.buckets {
				wr.Buckets = append(wr.Buckets, b.name)
			}
			wa.Regions = append(wa.Regions, wr)
		}
		out.Accounts = append(out.Accounts, wa)
	}
	return out
}

// User returns the account's IAM user named name.
func (a *WorldAccount) User(name string) (WorldUser, bool) {
	for _, u := range a.Users {
		if u.Name() == name {
			return u, true
		}
	}
	return WorldUser{}, false
}

// Role returns the account's role named name (among Roles).
func (a *WorldAccount) Role(name string) (Role, bool) {
	for _, r := range a.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return Role{}, false
}

// LinkedRole returns the service-linked role that service assumes.
func (a *WorldAccount) LinkedRole(service string) (WorldLinkedRole, bool) {
	for _, r := range a.LinkedRoles {
		if r.Service == service {
			return r, true
		}
	}
	return WorldLinkedRole{}, false
}

// Region returns the account's resources in a region.
func (a *WorldAccount) Region(name string) *WorldRegion {
	for i := range a.Regions {
		if a.Regions[i].Name == name {
			return &a.Regions[i]
		}
	}
	return nil
}
