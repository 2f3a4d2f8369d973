package cloudtrail

import "strings"

// PrincipalWords are the words DeriveIdentity writes into a Principal around the record's values
// ("role/", " (session ", "service "...), and PrincipalSeparators the characters that stand between
// them and the values (and the "?" of a missing one). Every other run of a Principal between
// separators is part of a value the record holds, or the record's userIdentity.type lower-cased:
// model/prefilter relies on it to look for a principal: term's text in a record's bytes.
var PrincipalWords = []string{"root", "user", "role", "session", "source", "federated", "via", "account",
	"service", "identity-center", "saml", "web-identity", "directory", "no", "identity"}

// PrincipalSeparators: see PrincipalWords.
const PrincipalSeparators = "/ (),?"

// DeriveIdentity fills in the readable Principal, Role and Session of an identity from its raw
// fields, for every userIdentity.type CloudTrail writes (and for records that have none).
func DeriveIdentity(id *Identity) {
	id.Principal, id.Role, id.Session = "", "", ""
	switch id.Type {
	case "Root":
		id.Principal = "root (" + orUnknown(id.Account) + ")"
	case "IAMUser":
		name := id.UserName
		if name == "" {
			name = arnResourceName(id.ARN, "user/")
		}
		id.Principal = "user/" + orUnknown(firstNonEmpty(name, id.PrincipalID))
	case "AssumedRole":
		role := id.IssuerName
		if role == "" {
			role = arnResourceName(id.IssuerARN, "role/")
		}
		session := ""
		if r, s, ok := assumedRoleParts(id.ARN); ok {
			if role == "" {
				role = r
			}
			session = s
		}
		if session == "" {
			if _, s, ok := strings.Cut(id.PrincipalID, ":"); ok {
				session = s
			}
		}
		id.Role = "role/" + orUnknown(role)
		id.Session = session
		id.Principal = withSession(id.Role, session, id.SourceIdentity)
	case "Role":
		id.Principal = "role/" + orUnknown(firstNonEmpty(arnResourceName(id.ARN, "role/"), id.UserName, id.PrincipalID))
	case "FederatedUser":
		name := arnResourceName(id.ARN, "federated-user/")
		if name == "" {
			if _, s, ok := strings.Cut(id.PrincipalID, ":"); ok {
				name = s
			}
		}
		id.Session = name
		issuer := firstNonEmpty(id.IssuerName, arnResourceName(id.IssuerARN, "user/"))
		id.Role = "federated/" + orUnknown(issuer)
		id.Principal = "federated/" + orUnknown(firstNonEmpty(name, id.UserName))
		if issuer != "" {
			id.Principal += " (via user/" + issuer + ")"
		}
	case "AWSAccount":
		id.Principal = "account " + orUnknown(id.Account)
		if id.PrincipalID != "" {
			id.Principal += " (" + id.PrincipalID + ")"
		}
	case "AWSService":
		id.Principal = "service " + orUnknown(firstNonEmpty(id.InvokedBy, id.PrincipalID))
	case "IdentityCenterUser":
		id.Principal = "identity-center/" + orUnknown(firstNonEmpty(id.UserName, id.OnBehalfOf, id.PrincipalID))
	case "SAMLUser":
		id.Principal = "saml/" + orUnknown(firstNonEmpty(id.UserName, id.PrincipalID))
		if p := providerName(id.Provider); p != "" {
			id.Principal += " (" + p + ")"
		}
	case "WebIdentityUser":
		id.Principal = "web-identity/" + orUnknown(firstNonEmpty(id.UserName, id.PrincipalID))
		if p := providerName(id.Provider); p != "" {
			id.Principal += " (" + p + ")"
		}
	case "Directory":
		id.Principal = "directory/" + orUnknown(firstNonEmpty(id.UserName, id.PrincipalID))
	case "":
		if id.InvokedBy != "" {
			id.Principal = "service " + id.InvokedBy
		} else if name := firstNonEmpty(id.UserName, id.ARN, id.PrincipalID); name != "" {
			id.Principal = name
		} else {
			id.Principal = "(no identity)"
		}
	default: // "Unknown" and types CloudTrail may add later
		id.Principal = strings.ToLower(id.Type) + "/" + orUnknown(firstNonEmpty(id.UserName, id.ARN, id.PrincipalID))
	}
	if id.Role == "" {
		id.Role = id.Principal
	}
}

func withSession(role, session, sourceIdentity string) string {
	switch {
	case session != "" && sourceIdentity != "" && sourceIdentity != session:
		return role + " (session " + session + ", source " + sourceIdentity + ")"
	case session != "":
		return role + " (session " + session + ")"
	case sourceIdentity != "":
		return role + " (source " + sourceIdentity + ")"
	}
	return role
}

// assumedRoleParts splits arn:aws:sts::123:assumed-role/Role/Session into the role and session names.
func assumedRoleParts(arn string) (role, session string, ok bool) {
	_, rest, found := strings.Cut(arn, ":assumed-role/")
	if !found {
		return "", "", false
	}
	role, session, _ = strings.Cut(rest, "/")
	return role, session, true
}

// arnResourceName returns the last path element after prefix in an ARN's resource part
// ("user/" in arn:aws:iam::1:user/path/bob gives bob).
func arnResourceName(arn, prefix string) string {
	i := strings.Index(arn, ":"+prefix)
	if i < 0 {
		return ""
	}
	rest := arn[i+1+len(prefix):]
	if j := strings.LastIndexByte(rest, '/'); j >= 0 {
		rest = rest[j+1:]
	}
	return rest
}

// providerName shortens an identity provider ARN or URL to something readable.
func providerName(p string) string {
	if i := strings.Index(p, ":saml-provider/"); i >= 0 {
		return p[i+len(":saml-provider/"):]
	}
	if i := strings.Index(p, ":oidc-provider/"); i >= 0 {
		return p[i+len(":oidc-provider/"):]
	}
	return p
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
