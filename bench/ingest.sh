#!/bin/sh
# bench/ingest.sh: cold `trailscope query` at a million events, against the decompression floor and DuckDB.
#
# Generates, once, 1M-event archives of 500 gzipped delivery files into a cache folder (the org shape, the
# default of `trailscope synth`, and the old simple shape) and a folder of good files with a 4.5 GiB gzip bomb
# among them, prints the cardinalities of the data, then times, in pairs run in turn (A B A B ...) so that a
# machine whose speed drifts still gives fair ratios:
#   1. trailscope query DIR 'event:TerminateInstances' vs the floor: find DIR -name '*.gz' | xargs -P2 zcat
#   2. the same query vs DuckDB's cold scan (the duckpeer program; skipped when DUCKPEER is not a folder)
#   3. the same query on the simple shape
#   4. the bomb folder: events loaded (vs the good files alone), the bomb's problem, wall time and peak RSS
#   5. a query the prefilter cannot narrow (resource:, so every record is decoded and indexed, as the
#      console loads) vs the floor
#   5b. a principal's events (principal:quentin.weber, a person of the org archive's Identity Center
#      sessions, 260 events), narrowed by the prefilter, vs the floor
#   6. every record as JSON lines (query --format json DIR '') vs the floor
#   7. ~5,000 matches spread over every file: JSON lines vs the table of the same query
# Each line gives the median of RUNS pairs and every pair's ratio; peak RSS is /usr/bin/time's %M.
#
#   bench/ingest.sh                    # RUNS=3, cache in $TMPDIR/trailscope-bench
#   RUNS=5 TRAILSCOPE_BENCH_CACHE=/data/bench DUCKPEER=../shared/bench/duckpeer bench/ingest.sh
#   ONLY=org bench/ingest.sh           # one of: org, duck, simple, bomb, full, principal, json, spread
#   TRAILSCOPE_BIN=/tmp/old/trailscope bench/ingest.sh    # measure another build (the archives are made by this one)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${TRAILSCOPE_BENCH_CACHE:-${TMPDIR:-/tmp}/trailscope-bench}
RUNS=${RUNS:-3}
DUCKPEER=${DUCKPEER:-$ROOT/../shared/bench/duckpeer}
ONLY=${ONLY:-all}
EVENTS=${EVENTS:-1000000}
FILES=${FILES:-500}
mkdir -p "$CACHE"
TS=${TRAILSCOPE_BIN:-}
if [ -z "$TS" ]; then # the binary measured: this checkout's, unless TRAILSCOPE_BIN names another
	TS=$CACHE/trailscope
	(cd "$ROOT" && go build -o "$TS" .)
fi

SYNTH=$CACHE/trailscope-synth
(cd "$ROOT" && go build -o "$SYNTH" .)

# The archives depend on the generator's code: a change to it makes new ones (the digest signer, which
# writes no log file, aside).
gen=$(find "$ROOT/source/synth" -name '*.go' ! -name '*_test.go' ! -path '*/signing/*' | sort | xargs cat | sha256sum | cut -c1-12)

# archive SHAPE: the folder of a generated archive, made when missing; its cardinalities are printed.
archive() {
	dir=$CACHE/$1-$EVENTS-$FILES-$gen
	if [ ! -f "$dir.stats" ]; then
		rm -rf "$dir"
		"$SYNTH" synth --shape "$1" --events "$EVENTS" --files "$FILES" "$dir" >"$dir.stats.tmp"
		mv "$dir.stats.tmp" "$dir.stats"
	fi
	echo "$1 shape ($dir):" >&2
	sed 's/^/  /' "$dir.stats" >&2
	echo "$dir"
}

# bombdir: 100 files of the org archive and bomb.json.gz, an envelope opened and then 4.5 GiB of spaces.
bombdir() {
	org=$1
	dir=$CACHE/bomb-$gen
	if [ ! -f "$dir/bomb.json.gz" ]; then
		rm -rf "$dir" && mkdir -p "$dir/good"
		find "$org" -name '*.gz' | sort | head -100 | while read -r f; do cp "$f" "$dir/good/"; done
		{ printf '{"Records":['; head -c 4831838208 /dev/zero | tr '\0' ' '; printf ']}'; } | gzip -1 >"$dir/bomb.json.gz.tmp"
		mv "$dir/bomb.json.gz.tmp" "$dir/bomb.json.gz"
	fi
	echo "$dir"
}

# timed CMD...: runs CMD, its output thrown away, and prints "wall_seconds peak_KB".
timed() {
	/usr/bin/time -f '%e %M' -o "$CACHE/time.out" "$@" >/dev/null 2>"$CACHE/stderr.out" || true
	tail -n 1 "$CACHE/time.out"
}

# pair NAME_A NAME_B 'CMD_A' 'CMD_B': RUNS pairs in turn; medians of both and of the pairs' ratios.
pair() {
	na=$1 nb=$2 a=$3 b=$4
	sh -c "$a" >/dev/null 2>&1 || true # a warm-up, not counted
	rows=""
	for _ in $(seq "$RUNS"); do
		ra=$(timed sh -c "exec $a")
		rb=$(timed sh -c "exec $b")
		rows="$rows$ra $rb
"
	done
	printf '%s' "$rows" | awk -v na="$na" -v nb="$nb" '
		function median(v, n,   i, j, t) {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		}
		{ n++; ta[n] = $1; ma[n] = $2; tb[n] = $3; mb[n] = $4; r[n] = $1 / $3; pairs = pairs sprintf(" %.2f", $1 / $3) }
		END {
			printf "  %-34s %6.2f s  peak %5d MB\n", na, median(ta, n), median(ma, n) / 1024
			printf "  %-34s %6.2f s  peak %5d MB\n", nb, median(tb, n), median(mb, n) / 1024
			printf "  ratio, median of %d pairs: %.2fx  (pairs:%s)\n", n, median(r, n), pairs
		}'
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go version | cut -d' ' -f3)"
q="'event:TerminateInstances'"
if [ "$ONLY" != simple ]; then
	org=$(archive org)
fi
if [ "$ONLY" = all ] || [ "$ONLY" = org ]; then
	echo "cold query vs the decompression floor, org shape:"
	pair "trailscope query" "xargs -P2 zcat" "$TS query $org $q" \
		"sh -c 'find $org -name \"*.gz\" -print0 | xargs -0 -P2 -n 50 zcat > /dev/null'"
fi
if { [ "$ONLY" = all ] || [ "$ONLY" = duck ]; } && [ -d "$DUCKPEER" ]; then
	peer=$CACHE/duckpeer
	[ -x "$peer" ] || (cd "$DUCKPEER" && go build -o "$peer" .)
	echo "cold query vs DuckDB (read_json_objects + json_extract, 2 threads), org shape:"
	pair "trailscope query" "duckpeer" "$TS query $org $q" "$peer -dir $org -event TerminateInstances"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = simple ]; then
	simple=$(archive simple)
	echo "cold query vs the decompression floor, simple shape:"
	pair "trailscope query" "xargs -P2 zcat" "$TS query $simple $q" \
		"sh -c 'find $simple -name \"*.gz\" -print0 | xargs -0 -P2 -n 50 zcat > /dev/null'"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = bomb ]; then
	bomb=$(bombdir "$org")
	echo "a 4.5 GiB gzip bomb among 100 good files ($bomb):"
	good=$("$TS" query --format csv "$bomb/good" '' 2>/dev/null | tail -n +2 | wc -l)
	timed "$TS" query --format csv "$bomb" '' | awk '{ printf "  %.2f s wall, peak RSS %d MB\n", $1, $2 / 1024 }'
	"$TS" query --format csv "$bomb" '' 2>"$CACHE/bomb.err" | tail -n +2 | wc -l >"$CACHE/bomb.n"
	echo "  events: $(cat "$CACHE/bomb.n") loaded with the bomb, $good from the good files alone"
	grep -i bomb "$CACHE/bomb.err" | head -3 | sed 's/^/  stderr: /'
fi
floor="sh -c 'find $org -name \"*.gz\" -print0 | xargs -0 -P2 -n 50 zcat > /dev/null'"
if [ "$ONLY" = all ] || [ "$ONLY" = full ]; then
	echo "a query the prefilter cannot narrow (every record decoded and indexed) vs the floor, org shape:"
	pair "trailscope query resource:" "xargs -P2 zcat" "$TS query $org resource:nobody-by-this-name" "$floor"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = principal ]; then
	echo "a principal's events, narrowed by the prefilter, vs the floor, org shape:"
	pair "trailscope query principal:quentin.weber" "xargs -P2 zcat" "$TS query $org principal:quentin.weber" "$floor"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = json ]; then
	echo "every record as JSON lines vs the floor, org shape:"
	pair "trailscope query --format json ''" "xargs -P2 zcat" "$TS query --format json $org ''" "$floor"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = spread ]; then
	echo "$("$TS" query --count-by event "$org" event:Publish 2>/dev/null | tail -n 1 | awk "{print \$NF}") matches (event:Publish) spread over the files: JSON vs table, org shape:"
	pair "--format json event:Publish" "table event:Publish" "$TS query --format json $org event:Publish" "$TS query $org event:Publish"
fi
