#!/usr/bin/env bash
# The README's "First minute" as a script: start a throwaway Sluice, create a
# stream, write events, read them back, watch a stream auto-scale. Run it from
# the repository root after `make build`:
#
#   demo/quickstart.sh
#
# It uses the default ports (9090, 12345, 9091) unless SLUICE_CONTROLLER,
# SLUICE_SEGMENTSTORE and SLUICE_REST say otherwise, and stops the node at the
# end. test/demo runs it on free ports, so it stays true.
set -euo pipefail

SLUICE=${SLUICE:-bin/sluice}
CONTROLLER=${SLUICE_CONTROLLER:-127.0.0.1:9090}
SEGMENTSTORE=${SLUICE_SEGMENTSTORE:-127.0.0.1:12345}
REST=${SLUICE_REST:-127.0.0.1:9091}
ctl=(--controller "tcp://$CONTROLLER")

step() { printf '\n$ %s\n' "$*"; "$@"; }

log=$(mktemp)
"$SLUICE" standalone --in-memory --controller-listen "$CONTROLLER" \
	--segmentstore-listen "$SEGMENTSTORE" --rest-listen "$REST" >"$log" 2>&1 &
node=$!
trap 'kill "$node" 2>/dev/null; wait "$node" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do # the node prints one line when it is ready
	grep -q 'sluice standalone ready' "$log" && break
	kill -0 "$node" 2>/dev/null || { cat "$log"; exit 1; }
	sleep 0.1
done
grep 'sluice standalone ready' "$log"

step "$SLUICE" scope create demo "${ctl[@]}"
step "$SLUICE" stream create demo/hello --segments 2 "${ctl[@]}"
step "$SLUICE" write demo/hello "hello" "world" --key greeting "${ctl[@]}"
seq 1 1000 | step "$SLUICE" write demo/hello --key numbers "${ctl[@]}"
step "$SLUICE" read demo/hello --max 5 "${ctl[@]}"
step "$SLUICE" stream info demo/hello "${ctl[@]}"
step "$SLUICE" cluster info "${ctl[@]}" --rest "http://$REST"
