package sshserve_test

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// screen is the client's terminal in these tests: it applies what the server sends (the cursor
// movements, erases, insertions and scrolls Bubble Tea's renderer uses) to a grid of cells, so
// that a test reads the screen a person would see. It answers the background colour query as a
// terminal does, and counts the bytes it received.
type screen struct {
	mu       sync.Mutex
	w, h     int
	main     [][]rune
	alt      [][]rune
	cells    [][]rune // main or alt
	x, y     int
	wrapNext bool
	autowrap bool
	insert   bool
	top, bot int // scroll region, inclusive
	saveX    int
	saveY    int
	last     rune
	p        *ansi.Parser
	n        int
	raw      bytes.Buffer
	frames   int       // instants at which bytes arrived: frames, on a virtual clock
	lastAt   time.Time // of the last bytes

	background string         // the answer to OSC 11, e.g. "rgb:ffff/ffff/ffff"; empty: no answer
	reply      func(s string) // where answers go (the session's input)
}

func newScreen(w, h int) *screen {
	s := &screen{w: w, h: h, autowrap: true, bot: h - 1}
	s.main, s.alt = grid(w, h), grid(w, h)
	s.cells = s.main
	s.p = ansi.NewParser()
	s.p.SetHandler(ansi.Handler{
		Print:     s.print,
		Execute:   s.execute,
		HandleCsi: s.csi,
		HandleEsc: s.esc,
		HandleOsc: s.osc,
	})
	return s
}

func grid(w, h int) [][]rune {
	g := make([][]rune, h)
	for i := range g {
		g[i] = blank(w)
	}
	return g
}

func blank(w int) []rune {
	l := make([]rune, w)
	for i := range l {
		l[i] = ' '
	}
	return l
}

func (s *screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += len(b)
	s.raw.Write(b)
	if now := time.Now(); !now.Equal(s.lastAt) {
		s.frames, s.lastAt = s.frames+1, now
	}
	for _, c := range b {
		s.p.Advance(c)
	}
	return len(b), nil
}

// String is the screen, one line per row, trailing blanks trimmed.
func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines := make([]string, s.h)
	for i, l := range s.cells {
		lines[i] = strings.TrimRight(strings.ReplaceAll(string(l), "\x00", ""), " ")
	}
	return strings.Join(lines, "\n")
}

// Bytes is how many bytes arrived so far.
func (s *screen) Bytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Frames is how many frames arrived so far, on the virtual clock of a synctest bubble, where a frame
// is written in one instant and the next one frame interval later. (In real time it counts the
// writes that did not share a clock reading, which means little.)
func (s *screen) Frames() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.frames
}

// Raw is everything that arrived, escape sequences included.
func (s *screen) Raw() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw.String()
}

func (s *screen) print(r rune) {
	wd := max(ansi.StringWidth(string(r)), 1)
	if s.wrapNext && s.autowrap {
		s.x = 0
		s.lineFeed()
	}
	s.wrapNext = false
	row := s.cells[s.y]
	if s.insert && s.x+wd <= s.w {
		copy(row[s.x+wd:], row[s.x:])
	}
	row[s.x] = r
	if wd == 2 && s.x+1 < s.w {
		row[s.x+1] = 0
	}
	s.last = r
	s.x += wd
	if s.x >= s.w {
		s.x = s.w - 1
		s.wrapNext = s.autowrap
	}
}

func (s *screen) execute(b byte) {
	s.wrapNext = false
	switch b {
	case '\r':
		s.x = 0
	case '\n', '\v', '\f':
		s.lineFeed()
	case '\b':
		s.x = max(s.x-1, 0)
	case '\t':
		s.x = min((s.x/8+1)*8, s.w-1)
	}
}

func (s *screen) lineFeed() {
	if s.y == s.bot {
		s.scrollUp(1)
	} else if s.y < s.h-1 {
		s.y++
	}
}

func (s *screen) scrollUp(n int) {
	for range n {
		copy(s.cells[s.top:s.bot], s.cells[s.top+1:s.bot+1])
		s.cells[s.bot] = blank(s.w)
	}
}

func (s *screen) scrollDown(n int) {
	for range n {
		copy(s.cells[s.top+1:s.bot+1], s.cells[s.top:s.bot])
		s.cells[s.top] = blank(s.w)
	}
}

func (s *screen) esc(cmd ansi.Cmd) {
	if cmd.Intermediate() != 0 {
		return
	}
	s.wrapNext = false
	switch cmd.Final() {
	case 'M': // reverse index
		if s.y == s.top {
			s.scrollDown(1)
		} else {
			s.y = max(s.y-1, 0)
		}
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case '7':
		s.saveX, s.saveY = s.x, s.y
	case '8':
		s.x, s.y = s.saveX, s.saveY
	}
}

func (s *screen) osc(cmd int, data []byte) {
	if cmd == 11 && bytes.HasSuffix(data, []byte(";?")) && s.background != "" && s.reply != nil {
		bg := s.background
		go s.reply("\x1b]11;" + bg + "\x1b\\")
	}
}

func (s *screen) csi(cmd ansi.Cmd, params ansi.Params) {
	n := func(i int) int { // a count: missing or 0 is 1
		v, _, _ := params.Param(i, 1)
		return max(v, 1)
	}
	v := func(i, def int) int {
		v, _, _ := params.Param(i, def)
		return v
	}
	if cmd.Prefix() == '?' {
		set := cmd.Final() == 'h'
		if cmd.Final() != 'h' && cmd.Final() != 'l' {
			return
		}
		params.ForEach(0, func(_, mode int, _ bool) {
			switch mode {
			case 7:
				s.autowrap = set
			case 1049, 1047, 47:
				if set {
					s.alt = grid(s.w, s.h)
					s.cells = s.alt
				} else {
					s.cells = s.main
				}
			}
		})
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	s.wrapNext = false
	row := s.cells[s.y]
	switch cmd.Final() {
	case 'A':
		s.y = max(s.y-n(0), 0)
	case 'B':
		s.y = min(s.y+n(0), s.h-1)
	case 'C':
		s.x = min(s.x+n(0), s.w-1)
	case 'D':
		s.x = max(s.x-n(0), 0)
	case 'E':
		s.x, s.y = 0, min(s.y+n(0), s.h-1)
	case 'F':
		s.x, s.y = 0, max(s.y-n(0), 0)
	case 'G', '`':
		s.x = min(n(0)-1, s.w-1)
	case 'd':
		s.y = min(n(0)-1, s.h-1)
	case 'H', 'f':
		s.y, s.x = min(n(0)-1, s.h-1), min(n(1)-1, s.w-1)
	case 'I':
		for range n(0) {
			s.x = min((s.x/8+1)*8, s.w-1)
		}
	case 'Z':
		for range n(0) {
			s.x = max((s.x-1)/8*8, 0)
		}
	case 'J':
		switch v(0, 0) {
		case 0:
			copy(row[s.x:], blank(s.w-s.x))
			for y := s.y + 1; y < s.h; y++ {
				s.cells[y] = blank(s.w)
			}
		case 1:
			copy(row[:s.x+1], blank(s.x+1))
			for y := 0; y < s.y; y++ {
				s.cells[y] = blank(s.w)
			}
		case 2, 3:
			for y := range s.cells {
				s.cells[y] = blank(s.w)
			}
		}
	case 'K':
		switch v(0, 0) {
		case 0:
			copy(row[s.x:], blank(s.w-s.x))
		case 1:
			copy(row[:s.x+1], blank(s.x+1))
		case 2:
			copy(row, blank(s.w))
		}
	case 'X':
		copy(row[s.x:min(s.x+n(0), s.w)], blank(s.w))
	case '@':
		k := min(n(0), s.w-s.x)
		copy(row[s.x+k:], row[s.x:])
		copy(row[s.x:s.x+k], blank(k))
	case 'P':
		k := min(n(0), s.w-s.x)
		copy(row[s.x:], row[s.x+k:])
		copy(row[s.w-k:], blank(k))
	case 'L', 'M':
		if s.y < s.top || s.y > s.bot {
			return
		}
		top := s.top
		s.top = s.y
		if cmd.Final() == 'L' {
			s.scrollDown(min(n(0), s.bot-s.y+1))
		} else {
			s.scrollUp(min(n(0), s.bot-s.y+1))
		}
		s.top = top
		s.x = 0
	case 'S':
		s.scrollUp(n(0))
	case 'T':
		s.scrollDown(n(0))
	case 'r':
		s.top, s.bot = v(0, 1)-1, v(1, s.h)-1
		if s.top < 0 || s.bot >= s.h || s.top >= s.bot {
			s.top, s.bot = 0, s.h-1
		}
		s.x, s.y = 0, 0
	case 'b':
		for range n(0) {
			s.print(s.last)
		}
	case 'h', 'l':
		if v(0, 0) == 4 {
			s.insert = cmd.Final() == 'h'
		}
	case 's':
		s.saveX, s.saveY = s.x, s.y
	case 'u':
		s.x, s.y = s.saveX, s.saveY
	}
}

// resize is the terminal's window changing size; what was on it stays where it fits.
func (s *screen) resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fit := func(g [][]rune) [][]rune {
		n := grid(w, h)
		for y := range min(h, len(g)) {
			copy(n[y], g[y])
		}
		return n
	}
	onAlt := len(s.cells) > 0 && len(s.alt) > 0 && &s.cells[0] == &s.alt[0]
	s.main, s.alt = fit(s.main), fit(s.alt)
	s.cells = s.main
	if onAlt {
		s.cells = s.alt
	}
	s.w, s.h, s.top, s.bot = w, h, 0, h-1
	s.x, s.y = min(s.x, w-1), min(s.y, h-1)
}
