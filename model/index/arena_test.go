package index

import "testing"

func TestArenaText(t *testing.T) {
	var a arena
	for _, s := range []string{"", "3e8f5d2a-1b4c-4d7e-9f00-0123456789ab", "3E8F5D2A-1B4C-4D7E-9F00-0123456789AB",
		"CC9X0N62QREGTBMN", "not-a-uuid-but-36-characters-long!!!", "x"} {
		tx := a.put(s)
		if got := a.get(tx); got != s {
			t.Errorf("get(put(%q)) = %q", s, got)
		}
		if s != "" && !a.equal(tx, s) {
			t.Errorf("equal(put(%q), same) = false", s)
		}
		if s != "" && a.equal(tx, s+"0") {
			t.Errorf("equal(put(%q), other) = true", s)
		}
	}
	if tx := a.put("3e8f5d2a-1b4c-4d7e-9f00-0123456789ab"); tx.n != 16|packedUUID {
		t.Errorf("a canonical UUID should pack into 16 bytes, got n=%x", tx.n)
	}
}
