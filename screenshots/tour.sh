#!/bin/sh
# Regenerate the screenshots of the README's guided tour of the built-in scenarios: build trailscope,
# run it with no PATH (the scenario sample) in tmux, type the tour's keys, capture each screen with its
# colours and render it to PNG, as capture.sh does.
#
#   screenshots/tour.sh        (from the repository root)
#
# Needs tmux, python3 and rsvg-convert. TRAILSCOPE=/path/to/binary skips the build.
set -eu
cd "$(dirname "$0")/.."
for tool in tmux python3 rsvg-convert; do
	command -v "$tool" >/dev/null || { echo "tour.sh: $tool is not installed" >&2; exit 1; }
done
COLS=${COLS:-100}
ROWS=${ROWS:-30}
tmp=$(mktemp -d)
trap 'tmux kill-session -t trailscope-tour 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin=${TRAILSCOPE:-}
if [ -z "$bin" ]; then
	bin=$tmp/trailscope
	go build -o "$bin" .
fi

tmux kill-session -t trailscope-tour 2>/dev/null || true
TERM=xterm-256color tmux new-session -d -s trailscope-tour -x "$COLS" -y "$ROWS" "$bin"
sleep 3

keys() { tmux send-keys -t trailscope-tour "$@"; sleep 0.5; }
text() { tmux send-keys -t trailscope-tour -l "$1"; sleep 0.5; }
shot() {
	tmux capture-pane -t trailscope-tour -e -p >"$tmp/$1.ans"
	python3 screenshots/ansi2svg.py "$tmp/$1.ans" "$tmp/$1.svg" "$COLS" "$ROWS"
	rsvg-convert -o "screenshots/$1.png" "$tmp/$1.svg"
	echo "screenshots/$1.png"
}

# Tour 1: "I didn't terminate it".
keys :
text scenarios
keys Enter
keys h
shot tour-scenarios
keys Enter
keys Enter
sleep 1
shot tour-terminated
keys Escape
keys Escape
keys a
sleep 2
shot tour-terminated-answer

# Tour 2: SSH open to the world, through two roles.
keys j j
keys Enter
keys g
keys Enter
sleep 1
shot tour-role-chain
keys q
