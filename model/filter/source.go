package filter

import "strings"

// AWSDomain is the domain of AWS service endpoints: an eventSource is a service's name followed by it
// ("ec2.amazonaws.com"). The project spells it here and nowhere else.
const AWSDomain = ".amazonaws.com"

// EventSource turns a service name into its eventSource: "ec2" becomes "ec2.amazonaws.com". A value with a
// dot (a full eventSource, or a source outside AWS) or a '*' wildcard is returned as it is, and so is "".
// It is the one normaliser of source names: source: terms, the catalog and the findings rules use it. It
// keeps the case it is given; whoever compares decides on case.
func EventSource(v string) string {
	if v == "" || strings.ContainsAny(v, ".*") {
		return v
	}
	return v + AWSDomain
}

// ServiceOf returns the service name of an eventSource, its inverse: "ec2.amazonaws.com" gives "ec2". A
// source outside AWS is returned as it is.
func ServiceOf(source string) string { return strings.TrimSuffix(source, AWSDomain) }
