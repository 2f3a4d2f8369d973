package sshserve_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailscope/trailscope/ui/sshserve"
)

// quiet is how long the link must stay silent for a keystroke's output to be complete: the
// filter's debounce (60 ms), the query and a frame (50 ms at 20 fps), with room to spare.
const quiet = 150 * time.Millisecond

// keyCost is what keystrokes sent down the link, one count per keystroke.
type keyCost []int

func (k keyCost) median() int {
	s := slices.Clone(k)
	slices.Sort(s)
	return s[len(s)/2]
}

func (k keyCost) total() (n int) {
	for _, b := range k {
		n += b
	}
	return n
}

// measure types each key and waits until the screen is quiet, counting the bytes that arrived.
func measure(tm *term, keys ...string) keyCost {
	var c keyCost
	before := tm.settle(quiet)
	for _, k := range keys {
		tm.send(k)
		after := tm.settle(quiet)
		c = append(c, after-before)
		before = after
	}
	return c
}

func chars(s string) []string { return strings.Split(s, "") }

// typed types keys, one write each with every between them, and waits until the screen is quiet:
// the bytes and the frames that arrived.
func typed(tm *term, every time.Duration, keys ...string) (bytes, frames int) {
	from, framesFrom := tm.settle(quiet), tm.scr.Frames()
	for i, k := range keys {
		if i > 0 {
			time.Sleep(every)
		}
		tm.send(k)
	}
	return tm.settle(quiet) - from, tm.scr.Frames() - framesFrom
}

// TestSlowLink checks what a session costs on the wire at 120x40: nothing while idle, one frame of a
// few hundred bytes to move the cursor, one frame for a burst of keys that arrives within a frame,
// no more than a frame per frame interval for a key held faster than the frame rate, a filter
// change in a few kilobytes. It runs on the virtual clock (see withServer), where the frames are
// the renderer's and not the machine's speed; BenchmarkKeystrokeBytes measures the bytes in real
// time.
func TestSlowLink(t *testing.T) {
	withServer(t, nil, func(t *testing.T, h *harness) {
		tm := h.open(h.alice, termOptions{w: 120, h: 40})
		tm.waitFor("3,000 of 3,000 events", "query")
		from := tm.settle(quiet)
		time.Sleep(time.Minute) // 240 polls of the index
		if idle := tm.settle(quiet) - from; idle != 0 {
			t.Errorf("an idle console sent %d bytes in a minute", idle)
		}
		const move = 1024 // the most a frame that moves the cursor may cost, however far it moves
		for range 3 {
			if n, frames := typed(tm, 0, "j"); frames != 1 || n > move {
				t.Errorf("moving the cursor one row sent %d bytes in %d frames, want one frame of at most %d", n, frames, move)
			}
		}
		if n, frames := typed(tm, 0, strings.Repeat("j", 20)); frames != 1 || n > move {
			t.Errorf("20 presses of j in one write sent %d bytes in %d frames, want one frame of at most %d", n, frames, move)
		}
		const presses, every = 30, 10 * time.Millisecond // a key held at 100 presses a second
		most := int(presses*every/(time.Second/sshserve.DefaultFPS)) + 1
		if n, frames := typed(tm, every, chars(strings.Repeat("j", presses))...); frames > most || n > most*move {
			t.Errorf("j held for %d presses, one every %s, sent %d bytes in %d frames, want at most %d frames", presses, every, n, frames, most)
		}
		if filter := measure(tm, "/", "event:DeleteTrail", "enter").total(); filter > 16<<10 {
			t.Errorf("a filter change sent %d bytes", filter)
		}
		tm.waitFor("/ event:DeleteTrail", count(h, "event:DeleteTrail"))
	})
}

// BenchmarkKeystrokeBytes measures the bytes a session sends per keystroke at 120x40, for the
// figures in BENCHMARKS.md:
//
//	go test ./ui/sshserve -run '^$' -bench KeystrokeBytes -benchtime 1x -v
func BenchmarkKeystrokeBytes(b *testing.B) {
	for _, profile := range []struct {
		name string
		o    termOptions
		fps  int
	}{
		{"256colours", termOptions{w: 120, h: 40}, 0},
		{"truecolor", termOptions{w: 120, h: 40, env: map[string]string{"COLORTERM": "truecolor"}}, 0},
		{"256colours-60fps", termOptions{w: 120, h: 40}, 60},
	} {
		b.Run(profile.name, func(b *testing.B) {
			for range b.N {
				keystrokeBytes(b, profile.o, profile.fps)
			}
		})
	}
}

func keystrokeBytes(b *testing.B, o termOptions, fps int) {
	h := start(b, func(opt *sshserve.Options) { opt.FPS = fps })
	tm := h.open(h.alice, o)
	tm.waitFor("3,000 of 3,000 events", "query")
	first := tm.settle(quiet)
	from := tm.scr.Bytes()
	time.Sleep(time.Second)
	idle := tm.scr.Bytes() - from

	down := measure(tm, chars(strings.Repeat("j", 33))...) // to the last row of the table
	scroll := measure(tm, chars(strings.Repeat("j", 10))...)
	up := measure(tm, chars(strings.Repeat("k", 10))...)
	page := measure(tm, "\x1b[6~", "\x1b[6~", "\x1b[6~")
	held := measure(tm, strings.Repeat("j", 20)).total()
	repeatFrom := tm.settle(quiet)
	for range 30 { // a held key at the usual repeat rate: 30 presses a second
		tm.send("j")
		time.Sleep(time.Second / 30)
	}
	repeat := tm.settle(quiet) - repeatFrom
	typing := measure(tm, append(append([]string{"/"}, chars("event:TerminateInstances")...), "enter")...)
	tm.waitFor("/ event:TerminateInstances", count(h, "event:TerminateInstances"))
	back := measure(tm, "esc").total()

	b.ReportMetric(float64(first), "B/first-screen")
	b.ReportMetric(float64(idle), "B/idle-second")
	b.ReportMetric(float64(down.median()), "B/cursor-move")
	b.ReportMetric(float64(scroll.median()), "B/scroll-move")
	b.ReportMetric(float64(page.median()), "B/page")
	b.ReportMetric(float64(typing.total())/float64(len(typing)), "B/filter-key")
	b.ReportMetric(float64(typing.total()), "B/filter-change")
	b.ReportMetric(float64(repeat), "B/held-key-second")
	b.Logf("first screen %d B; idle second %d B; cursor move median %d B (up %d); at the bottom, scrolling, %d B; page %d B; "+
		"20 j in one write %d B; j held for a second (30 presses) %d B; filter change (/ event:TerminateInstances enter, %d keys) %d B, median %d B per key, max %d; esc back %d B",
		first, idle, down.median(), up.median(), scroll.median(), page.median(), held, repeat, len(typing), typing.total(), typing.median(), slices.Max(typing), back)
}
