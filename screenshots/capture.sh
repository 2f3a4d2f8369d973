#!/bin/sh
# Regenerate the README's screenshots from the running console: build trailscope, run it in tmux,
# type as a person would, capture each screen with its colours and render it to PNG.
#
#   screenshots/capture.sh [PATH ...]     (from the repository root)
#
# Without PATH it uses ../shared/data/invictus_aws_dataset when present, else the built-in sample.
# Needs what lib.sh says.
set -eu
. "$(dirname "$0")/lib.sh"
if [ $# -eq 0 ] && [ -d ../shared/data/invictus_aws_dataset ]; then
	set -- ../shared/data/invictus_aws_dataset
fi
start trailscope-shots-$$ 2 "$@"

shot timeline
keys /
text "user:"
shot filter-completion
keys C-u
text "error:AccessDenied"
keys Enter
keys 2
shot principals
keys Escape
keys Escape
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
keys Escape
keys :
text "coverage"
keys Enter
shot coverage
keys /
keys C-u
keys Enter
keys 2
keys Enter
shot principal-card
keys q
