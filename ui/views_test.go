package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/ui/views/principals"
)

// Every ':' command opens a registered view or is one of the root's own; every view has a command
// and short help.
func TestEveryViewIsRegisteredOnce(t *testing.T) {
	a := newTestApp(testIndex(10), 80, 24)
	for _, c := range keymap.Commands {
		if _, own := rootCommands[c.Name]; a.view(c.Name) == nil && !own {
			t.Errorf(":%s opens nothing", c.Name)
		}
	}
	names := map[string]bool{}
	for _, p := range a.pages {
		name := p.view.Name()
		if names[name] {
			t.Errorf("%s registered twice", name)
		}
		names[name] = true
		if c, ok := keymap.LookupCommand(name); !ok || c.Name != name {
			t.Errorf("view %s has no ':' command", name)
		}
		if len(p.view.ShortHelp()) == 0 {
			t.Errorf("view %s has no short help", name)
		}
		press(a, ":")
		typeText(a, name)
		press(a, "enter")
		if a.state.Active != name || !strings.Contains(screen(a), name) {
			t.Errorf(":%s shows %s", name, a.state.Active)
		}
	}
}

func TestCtrlCQuitsEvenWhileTyping(t *testing.T) {
	a := newTestApp(testIndex(10), 80, 24)
	press(a, "/")
	typeText(a, "eve")
	_, cmd := a.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if cmd == nil {
		t.Fatal("ctrl+c did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("ctrl+c did not quit")
	}
}

// l expands a role into its sessions, h (or ←) folds it again, from the role or one of its sessions.
func TestPrincipalsCollapse(t *testing.T) {
	a := newTestApp(testIndex(3000), 80, 24)
	press(a, "2")
	p := a.view(principals.Name).(*principals.Model)
	rows := p.Rows()
	press(a, "l")
	if p.Rows() <= rows {
		t.Fatalf("l did not expand: %d rows", p.Rows())
	}
	press(a, "j", "h")
	if p.Rows() != rows || p.Cursor() != 0 {
		t.Fatalf("h did not fold: %d rows, cursor %d", p.Rows(), p.Cursor())
	}
	press(a, "l")
	_, cmd := a.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
	drive(a, cmd)
	if p.Rows() != rows {
		t.Fatalf("left did not fold: %d rows", p.Rows())
	}
}

func TestUnknownCommand(t *testing.T) {
	a := newTestApp(testIndex(10), 80, 24)
	press(a, ":")
	typeText(a, "zzz")
	press(a, "enter")
	if !a.status.Err {
		t.Fatal("not an error")
	}
	mustContain(t, a.status.Text, `unknown command "zzz": try :timeline :principals :resources :problems :scenarios :findings :count :coverage :integrity :help`)
}
