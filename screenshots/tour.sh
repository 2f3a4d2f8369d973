#!/bin/sh
# Regenerate the screenshots of the README's guided tour of the built-in scenarios: build trailscope,
# run it with no PATH (the scenario sample) in tmux, type the tour's keys, capture each screen with its
# colours and render it to PNG, as capture.sh does.
#
#   screenshots/tour.sh        (from the repository root)
#
# Needs what lib.sh says.
set -eu
PAUSE=${PAUSE:-0.5}
. "$(dirname "$0")/lib.sh"
start trailscope-tour 3

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
