#!/bin/sh
# Regenerate the README's screenshots from the running console: build trailscope, run it in tmux,
# type as a person would, capture each screen with its colours and render it to PNG.
#
#   screenshots/capture.sh [PATH ...]     (from the repository root)
#
# Without PATH it uses ../shared/data/invictus_aws_dataset when present, else the built-in sample.
# Needs tmux, python3 and rsvg-convert (Debian: apt-get install tmux librsvg2-bin).
# TRAILSCOPE=/path/to/binary skips the build.
set -eu
cd "$(dirname "$0")/.."
for tool in tmux python3 rsvg-convert; do
	command -v "$tool" >/dev/null || { echo "capture.sh: $tool is not installed" >&2; exit 1; }
done
COLS=${COLS:-100}
ROWS=${ROWS:-30}
tmp=$(mktemp -d)
trap 'tmux kill-session -t trailscope-shots 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin=${TRAILSCOPE:-}
if [ -z "$bin" ]; then
	bin=$tmp/trailscope
	go build -o "$bin" .
fi
if [ $# -eq 0 ] && [ -d ../shared/data/invictus_aws_dataset ]; then
	set -- "$(cd ../shared/data/invictus_aws_dataset && pwd)"
fi

tmux kill-session -t trailscope-shots 2>/dev/null || true
TERM=xterm-256color tmux new-session -d -s trailscope-shots -x "$COLS" -y "$ROWS" "$bin $*"
sleep 2

keys() { tmux send-keys -t trailscope-shots "$@"; sleep 0.4; }
text() { tmux send-keys -t trailscope-shots -l "$1"; sleep 0.4; }
esc() { tmux send-keys -t trailscope-shots Escape; sleep 0.4; }
shot() {
	tmux capture-pane -t trailscope-shots -e -p >"$tmp/$1.ans"
	python3 screenshots/ansi2svg.py "$tmp/$1.ans" "$tmp/$1.svg" "$COLS" "$ROWS"
	rsvg-convert -o "screenshots/$1.png" "$tmp/$1.svg"
	echo "screenshots/$1.png"
}

shot timeline
keys /
text "user:"
shot filter-completion
keys C-u
text "error:AccessDenied"
keys Enter
keys 2
shot principals
esc
esc
keys 3
shot resources
keys 1
keys /
keys C-u
text "event:CreateUser"
keys Enter
keys Enter
shot detail
keys j j j j
shot detail-pivot-line
keys q
