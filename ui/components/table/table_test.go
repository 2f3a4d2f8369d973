package table

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/trailscope/trailscope/keymap"
	"github.com/trailscope/trailscope/ui/common"
)

type person struct {
	name string
	age  int
}

func testTable(w int) *Model[person] {
	st, keys := common.NewStyles(true), keymap.Default()
	m := &Model[person]{Common: common.Common{Styles: &st, Keys: &keys}}
	m.SetSize(w, 10)
	m.Columns = []Column[person]{
		{Title: "NAME", Min: 10, Max: 30, Weight: 1, Cell: func(p person, _ int) string { return p.name }},
		{Title: "AGE", Min: 5, Max: 5, Right: true, Cell: func(p person, _ int) string { return strings.Repeat("9", p.age) }},
		{Title: "NOTE", Min: 20, Max: 40, Weight: 1, Optional: true, Cell: func(p person, w int) string { return strings.Repeat("x", w) }},
	}
	return m
}

func TestLayoutDropsOptionalColumnsAndFits(t *testing.T) {
	for _, w := range []int{20, 40, 80, 200} {
		cols := testTable(w).Laid()
		total := 0
		for _, c := range cols {
			if c.Width() < c.Min || c.Width() > max(c.Max, c.Min) {
				t.Errorf("w=%d: %s is %d wide, outside [%d,%d]", w, c.Title, c.Width(), c.Min, c.Max)
			}
			total += c.Width() + 1
		}
		if w >= 40 && total > w {
			t.Errorf("w=%d: columns take %d cells", w, total)
		}
		if hasNote := len(cols) == 3; hasNote != (w >= 38) {
			t.Errorf("w=%d: %d columns", w, len(cols))
		}
	}
}

// Cells come from each column's Cell, only visible rows are read, and the cursor's row is selected.
func TestRowsReadOnlyTheVisibleRows(t *testing.T) {
	m := testTable(80)
	cols := m.Laid()
	read := map[int]bool{}
	row := func(i int) person {
		read[i] = true
		return person{name: "p" + strings.Repeat("\x1b[31m", i%2), age: 2}
	}
	m.List.Cursor = 500
	lines := m.Rows(cols, 1_000_000, 5, row)
	if len(lines) != 5 || len(read) != 5 || !read[500] {
		t.Fatalf("%d lines, read rows %v", len(lines), read)
	}
	for _, l := range lines {
		plain := ansi.Strip(l)
		if !strings.Contains(plain, " p") || !strings.Contains(plain, "   99") || strings.Contains(l, "\x1b[31m") {
			t.Errorf("row %q", l)
		}
		if !strings.HasSuffix(strings.TrimRight(plain, " "), " 99 "+strings.Repeat("x", cols[2].Width())) {
			t.Errorf("the note's cell was not given its width: %q", plain)
		}
	}
	if h := ansi.Strip(m.Header(cols, "age")); !strings.HasPrefix(h, "  NAME") || !strings.HasSuffix(h, "by age") {
		t.Errorf("header %q", h)
	}
}
