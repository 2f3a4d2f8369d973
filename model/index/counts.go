package index

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/model/filter"
)

// CountFields are the fields CountBy breaks a result down by.
var CountFields = []filter.Field{filter.FieldEvent, filter.FieldPrincipal, filter.FieldKey, filter.FieldIP,
	filter.FieldUA, filter.FieldResource, filter.FieldRegion, filter.FieldAccount, filter.FieldError, filter.FieldSource,
	filter.FieldFile}

// CountBy breaks the events refs down by the value of a field: each distinct value with the number of
// events that carry it, most first (ties by value). Events without a value count under "". An event
// that touched several resources counts once under each; an event read from no file (a sample,
// LookupEvents) counts under "" by file. A field CountFields does not name is an error.
func (x *Index) CountBy(refs []EventRef, f filter.Field) ([]ValueCount, error) {
	if !slices.Contains(CountFields, f) {
		return nil, fmt.Errorf("cannot count by %s: count by one of %s", f, countFieldNames())
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	counts := map[Sym]int{}
	files := map[string]int{} // by file: paths are the stores', not symbols
	for _, ref := range refs {
		if int(ref) >= x.events.len() {
			continue
		}
		e := x.events.at(ref)
		who := x.idents.at(e.ident)
		switch f {
		case filter.FieldEvent:
			counts[e.name]++
		case filter.FieldPrincipal:
			counts[who.principal]++
		case filter.FieldKey:
			counts[who.key]++
		case filter.FieldIP:
			counts[e.ip]++
		case filter.FieldUA:
			counts[e.ua]++
		case filter.FieldRegion:
			counts[e.region]++
		case filter.FieldAccount:
			counts[e.account]++
		case filter.FieldError:
			counts[e.errCode]++
		case filter.FieldSource:
			counts[e.source]++
		case filter.FieldResource:
			if e.resN == 0 {
				counts[0]++
			}
			for _, k := range x.res[e.resOff : e.resOff+e.resN] {
				counts[k]++
			}
		case filter.FieldFile:
			file := ""
			if fs, ok := x.stores[e.store].(cloudtrail.FileStore); ok {
				file = fs.File(e.rawOff)
			}
			files[file]++
		}
	}
	byName := make(map[string]int, len(counts)+len(files)) // resources of two kinds may share an ID
	maps.Copy(byName, files)
	for v, n := range counts {
		name := x.syms.str(v)
		if f == filter.FieldResource && v != 0 {
			name = x.resourceLocked(v).ID
		}
		byName[name] += n
	}
	out := make([]ValueCount, 0, len(byName))
	for name, n := range byName {
		out = append(out, ValueCount{Value: name, Count: n})
	}
	slices.SortFunc(out, func(a, b ValueCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Value, b.Value))
	})
	return out, nil
}

// ParseCountField reads the name of a field to count by ("ip", "principal", or an alias such as "user").
func ParseCountField(name string) (filter.Field, error) {
	for _, q := range filter.Qualifiers {
		if !slices.Contains(CountFields, q.Field) {
			continue
		}
		if strings.EqualFold(name, q.Name) || slices.ContainsFunc(q.Aliases, func(a string) bool { return strings.EqualFold(a, name) }) {
			return q.Field, nil
		}
	}
	return 0, fmt.Errorf("cannot count by %q: count by one of %s", name, countFieldNames())
}

func countFieldNames() string {
	names := make([]string, len(CountFields))
	for i, f := range CountFields {
		names[i] = f.String()
	}
	return strings.Join(names, ", ")
}
