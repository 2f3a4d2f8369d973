package world

import "github.com/trailscope/trailscope/source/synth"

// World describes the organisation a seed invents: the accounts, people, roles, workloads and resources the
// background records of Generate and Records are made of. Hand-made records (the incidents of a scenario) use
// it to act with the same identities, from the same addresses, on the same resources, so that they blend in.
type World struct {
	Accounts []Account
	Offices  []string // the company's office egress addresses
}

// Account is one account of a World.
type Account struct {
	ID    string
	Env   string // "prod", "staging", ...
	Trail string // the name of the account's trail
	// KeyInfix starts the account's access keys and unique IDs: give hand-made ones the same (AccessKeyID,
	// UniqueID) to make them look like the account's.
	KeyInfix     string
	Users        []User       // IAM users with long-term keys: people first, then service users
	Roles        []synth.Role // roles people and pipelines assume: Admin, ReadOnly, Developer, DeployRole, ...
	SSORoles     []synth.Role // AWSReservedSSO_* roles, one per permission set
	SSOUsers     []SSOUser
	SAMLProvider string // the Identity Center SAML provider's ARN
	LinkedRoles  []LinkedRole
	Instances    []Instance     // instances with instance profiles whose ID does not change over the week
	Regions      []Region       // in the order of the regions' traffic, us-east-1 first
	Root         synth.Identity // the root user, with the key of its console session
}

// User is an IAM user.
type User struct {
	Identity   synth.Identity // calling with the user's active long-term key
	Console    synth.Identity // the same user signed in to the console (no key)
	IPs        []string       // the addresses the user calls from, the usual one first
	UserAgents []string       // for a person: aws-cli, a browser, and a third tool
	Human      bool
	MFA        bool
}

// Name returns the user's name.
func (u User) Name() string { return u.Identity.UserName }

// SSOUser is an IAM Identity Center user, who signs in to the account through SAML.
type SSOUser struct {
	Email string
	IPs   []string
	CLI   string       // the aws-cli user agent of their laptop
	Sets  []synth.Role // the roles of the permission sets they are assigned
}

// LinkedRole is a service-linked role: Service assumes it, with sessions named Session.
type LinkedRole struct {
	synth.Role
	Service, Session string
}

// Instance is an EC2 instance whose instance profile role calls AWS.
type Instance struct {
	ID, Region string
	Role       synth.Role
	IP         string // its public address
	UserAgent  string
}

// Region holds the resources of one account in one region.
type Region struct {
	Name                                   string
	VPCs, Subnets, SecurityGroups          []string
	Instances, Volumes, Snapshots, Images  []string
	KMSKeys, Secrets, Functions, LogGroups []string
	Buckets                                []string
	DBInstances, AutoScalingGroups, Stacks []string
}

// New returns the world that Generate and Records invent for a seed and a number of accounts (0: 2),
// the Seed and Accounts of their Options.
func New(seed int64, accounts int) *World {
	if accounts <= 0 {
		accounts = 2
	}
	w := newWorld(uint64(seed), accounts, ShapeSimple)
	out := &World{Offices: append([]string(nil), w.offices...)}
	for _, a := range w.accounts {
		wa := Account{ID: a.id, Env: a.env, Trail: a.trail, KeyInfix: a.infix, SAMLProvider: a.samlARN, Root: a.root}
		for _, u := range a.users {
			wa.Users = append(wa.Users, User{Identity: u.ident, Console: u.console, IPs: u.ips,
				UserAgents: u.uas, Human: u.human, MFA: u.mfa})
		}
		for _, ro := range a.roles {
			wa.Roles = append(wa.Roles, ro.Role)
		}
		for _, ro := range a.sso {
			wa.SSORoles = append(wa.SSORoles, ro.Role)
		}
		for _, su := range a.ssoUsers {
			ws := SSOUser{Email: su.email, IPs: su.ips, CLI: su.cli}
			for _, s := range su.sets {
				ws.Sets = append(ws.Sets, s.Role)
			}
			wa.SSOUsers = append(wa.SSOUsers, ws)
		}
		for _, ro := range a.linked {
			wa.LinkedRoles = append(wa.LinkedRoles, LinkedRole{Role: ro.Role, Service: ro.service, Session: ro.session})
		}
		for _, wl := range a.workloads {
			if wl.lambda || wl.life > 0 {
				continue
			}
			wa.Instances = append(wa.Instances, Instance{ID: wl.name, Region: w.regions[wl.region].name,
				Role: wl.role.Role, IP: wl.ip, UserAgent: wl.ua})
		}
		for ri, res := range a.regions {
			wr := Region{Name: w.regions[ri].name, VPCs: res.vpcs, Subnets: res.subnets, SecurityGroups: res.sgs,
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
func (a *Account) User(name string) (User, bool) {
	for _, u := range a.Users {
		if u.Name() == name {
			return u, true
		}
	}
	return User{}, false
}

// Role returns the account's role named name (among Roles).
func (a *Account) Role(name string) (synth.Role, bool) {
	for _, r := range a.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return synth.Role{}, false
}

// LinkedRole returns the service-linked role that service assumes.
func (a *Account) LinkedRole(service string) (LinkedRole, bool) {
	for _, r := range a.LinkedRoles {
		if r.Service == service {
			return r, true
		}
	}
	return LinkedRole{}, false
}

// Region returns the account's resources in a region.
func (a *Account) Region(name string) *Region {
	for i := range a.Regions {
		if a.Regions[i].Name == name {
			return &a.Regions[i]
		}
	}
	return nil
}
