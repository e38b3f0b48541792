#!/usr/bin/env bash
# Stops the Pravega standalone started by run.sh: SIGTERM (its shutdown hook closes segment store, controller
# and ZooKeeper), SIGKILL after 30 s. The run folder (logs) is kept until the next run.sh.
#   usage: stop.sh [RUN_DIR]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUN=${1:-${PRAVEGA_RUN_DIR:-$CACHE/run/pravega}}
stop_pid "$RUN/standalone.pid" io.pravega.local.LocalPravegaEmulator 30
rm -rf "$RUN/tmp"
