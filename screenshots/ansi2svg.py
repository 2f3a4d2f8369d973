#!/usr/bin/env python3
"""Render a terminal capture (tmux capture-pane -e -p) to SVG: one cell per character, SGR colours,
bold, italic, underline and reverse. Standard library only; rsvg-convert turns the SVG into a PNG.

usage: ansi2svg.py CAPTURE.ans OUT.svg [COLS ROWS]
"""
import html
import re
import sys

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
SIZE = 14
CW = SIZE * 0.602  # cell width of DejaVu Sans Mono
CH = SIZE * 1.3
BG = "#1e1e2e"
FG = "#e6e6e6"
BASE16 = ["#45475a", "#f38ba8", "#a6e3a1", "#f9e2af", "#89b4fa", "#f5c2e7", "#94e2d5", "#bac2de",
          "#585b70", "#f38ba8", "#a6e3a1", "#f9e2af", "#89b4fa", "#f5c2e7", "#94e2d5", "#a6adc8"]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.italic = self.under = self.rev = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.italic, self.under, self.rev)


def sgr(pen, params):
    ps = [int(p) if p.isdigit() else 0 for p in params.replace(":", ";").split(";")] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            pen.reset()
        elif p == 1:
            pen.bold = True
        elif p == 3:
            pen.italic = True
        elif p == 4:
            pen.under = True
        elif p == 7:
            pen.rev = True
        elif p == 22:
            pen.bold = False
        elif p == 23:
            pen.italic = False
        elif p == 24:
            pen.under = False
        elif p == 27:
            pen.rev = False
        elif 30 <= p <= 37:
            pen.fg = BASE16[p - 30]
        elif 90 <= p <= 97:
            pen.fg = BASE16[p - 90 + 8]
        elif 40 <= p <= 47:
            pen.bg = BASE16[p - 40]
        elif 100 <= p <= 107:
            pen.bg = BASE16[p - 100 + 8]
        elif p == 39:
            pen.fg = None
        elif p == 49:
            pen.bg = None
        elif p in (38, 48) and i + 1 < len(ps):
            if ps[i + 1] == 5 and i + 2 < len(ps):
                c = xterm256(ps[i + 2])
                i += 2
            elif ps[i + 1] == 2 and i + 4 < len(ps):
                c = "#%02x%02x%02x" % (ps[i + 2], ps[i + 3], ps[i + 4])
                i += 4
            else:
                c = None
            if p == 38:
                pen.fg = c
            else:
                pen.bg = c
            i += 1
        i += 1


ESC = re.compile(r"\x1b\[([0-9;:?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")


def parse(text, cols, rows):
    grid = []
    pen = Pen()
    for line in text.split("\n")[:rows]:
        row = []
        pos = 0
        for m in ESC.finditer(line):
            for ch in line[pos:m.start()]:
                row.append((ch, pen.key()))
            if m.group(2) == "m":
                sgr(pen, m.group(1))
            pos = m.end()
        for ch in line[pos:]:
            row.append((ch, pen.key()))
        grid.append(row[:cols])
    return grid


def render(grid, cols, rows):
    w, h = cols * CW + 24, rows * CH + 24
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d">' % (w, h),
           '<rect width="100%%" height="100%%" rx="8" fill="%s"/>' % BG]
    for y, row in enumerate(grid):
        ty = 12 + y * CH
        # backgrounds
        for x, (ch, k) in enumerate(row):
            fg, bg, bold, italic, under, rev = k
            if rev:
                bg = fg or FG
            if bg:
                out.append('<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s"/>' % (12 + x * CW, ty, CW + 0.5, CH + 0.5, bg))
        # text runs of one style
        x = 0
        while x < len(row):
            k = row[x][1]
            run = ""
            start = x
            while x < len(row) and row[x][1] == k:
                run += row[x][0]
                x += 1
            if not run.strip():
                continue
            fg, bg, bold, italic, under, rev = k
            color = (bg or BG) if rev else (fg or FG)
            attrs = 'fill="%s"' % color
            if bold:
                attrs += ' font-weight="bold"'
            if italic:
                attrs += ' font-style="italic"'
            if under:
                attrs += ' text-decoration="underline"'
            out.append('<text x="%.2f" y="%.2f" %s textLength="%.2f" lengthAdjust="spacingAndGlyphs" xml:space="preserve">%s</text>'
                       % (12 + start * CW, ty + CH * 0.78, attrs, len(run) * CW, html.escape(run)))
    out.append("</svg>")
    return '<g font-family="%s" font-size="%d">' % (FONT, SIZE) + "".join(out[2:-1]) + "</g>", out[:2], w, h


def main():
    src, dst = sys.argv[1], sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    with open(src, encoding="utf-8", errors="replace") as f:
        grid = parse(f.read().rstrip("\n"), cols, rows)
    body, head, w, h = render(grid, cols, rows)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(head) + body + "</svg>\n")


if __name__ == "__main__":
    main()
