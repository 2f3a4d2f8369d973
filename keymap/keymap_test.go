package keymap

import (
	"reflect"
	"testing"

	"charm.land/bubbles/v2/key"
)

// Every binding of the default keymap has keys and a help text: help is generated from them.
func TestEveryBindingHasKeysAndHelp(t *testing.T) {
	km := reflect.ValueOf(Default())
	for i := range km.NumField() {
		group := km.Field(i)
		for j := range group.NumField() {
			b := group.Field(j).Interface().(key.Binding)
			name := km.Type().Field(i).Name + "." + group.Type().Field(j).Name
			if len(b.Keys()) == 0 || b.Help().Key == "" || b.Help().Desc == "" {
				t.Errorf("%s: keys %q help %+v", name, b.Keys(), b.Help())
			}
		}
	}
}

// A ':' command is found by its name and by each alias, and no two commands answer to one name.
func TestCommands(t *testing.T) {
	seen := map[string]string{}
	for _, c := range Commands {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if other, ok := seen[n]; ok {
				t.Errorf("%q names both %s and %s", n, other, c.Name)
			}
			seen[n] = c.Name
			if got, ok := LookupCommand(n); !ok || got.Name != c.Name {
				t.Errorf("LookupCommand(%q) = %q, %v; want %q", n, got.Name, ok, c.Name)
			}
		}
	}
	if _, ok := LookupCommand("nosuch"); ok {
		t.Error("an unknown command was found")
	}
}
