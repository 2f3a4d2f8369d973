# Shared by capture.sh and tour.sh (sourced, not run): build trailscope, start it in tmux at
# COLSxROWS, and the helpers that type like a person and render a screen to screenshots/NAME.png.
#
#   start SESSION WAIT ARGS...   run the binary with ARGS in a tmux session, wait WAIT seconds
#   keys KEY...  text STRING  shot NAME
#
# Needs tmux, python3 and rsvg-convert (Debian: apt-get install tmux librsvg2-bin).
# TRAILSCOPE=/path/to/binary skips the build.
cd "$(dirname "$0")/.."
for tool in tmux python3 rsvg-convert; do
	command -v "$tool" >/dev/null || { echo "$(basename "$0"): $tool is not installed" >&2; exit 1; }
done
COLS=${COLS:-100}
ROWS=${ROWS:-30}
PAUSE=${PAUSE:-0.4}
tmp=$(mktemp -d)
session=
trap '[ -z "$session" ] || tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$tmp"' EXIT
bin=${TRAILSCOPE:-}
if [ -z "$bin" ]; then
	bin=$tmp/trailscope
	go build -o "$bin" .
fi

start() {
	session=$1
	wait=$2
	shift 2
	tmux kill-session -t "$session" 2>/dev/null || true
	TERM=xterm-256color tmux new-session -d -s "$session" -x "$COLS" -y "$ROWS" "$bin $*"
	sleep "$wait"
}
keys() { tmux send-keys -t "$session" "$@"; sleep "$PAUSE"; }
text() { tmux send-keys -t "$session" -l "$1"; sleep "$PAUSE"; }
shot() {
	tmux capture-pane -t "$session" -e -p >"$tmp/$1.ans"
	python3 screenshots/ansi2svg.py "$tmp/$1.ans" "$tmp/$1.svg" "$COLS" "$ROWS"
	rsvg-convert -o "screenshots/$1.png" "$tmp/$1.svg"
	echo "screenshots/$1.png"
}
