#!/usr/bin/env bash
# Durable single-node Pravega 0.13.0 from the same Maven Central jars as run.sh: four JVMs
#   ZooKeeper 3.6.3 -> BookKeeper 4.14.1 bookie -> Pravega controller -> Pravega segment store
# Tier 1 is BookKeeper (ensemble = write quorum = ack quorum = 1; the bookie fsyncs its journal before it
# acks, journalSyncData=true), tier 2 (LTS) is a local folder. All state lives under DATA_DIR and survives
# stop/start and kill -9. See /work/shared/reference/pravega/durable.md (not copied here) for what each step does.
#
#   usage: durable.sh start|stop|status|wipe [DATA_DIR]     (default $CACHE/data/pravega-durable)
#   env:   PRAVEGA_PORT_OFFSET=0 added to every port: ZK 2181, bookie 3181, controller 9090, REST 9091,
#          segment store 12345, segment store REST 6061
#          PRAVEGA_CONTAINERS=4  segment containers (controller and segment store must agree; fixed once the
#                                cluster has data: wipe to change it)
#          PRAVEGA_SS_HEAP=1g PRAVEGA_SS_DIRECT=1g  segment store JVM (its cache is 512 MiB of direct memory, so
#                                keep PRAVEGA_SS_DIRECT above 512m)
#          PRAVEGA_START_TIMEOUT=240  JAVA=/path/to/java
#
# test/interop copy of /work/shared/reference/pravega/durable.sh. The shared durable.md says every point of
# the recipe is unverified; this copy was RUN on the bench machine (Debian 12, OpenJDK 17.0.15, 2 cores) on
# 2026-11-24: fresh start (26-50 s to ready), stop/start on the same data, kill -9 of all four JVMs and
# start again (30-40 s), and the sluicebench W1/W2/W5/W8/W10 smoke runs (bench/driver/pravegadurable.go).
# Verified as written, no change needed: the jars resolve from Maven Central, the lib.sh --add-opens list is
# enough for Java 17 (no InaccessibleObjectException or other linkage error in any log), BookieShell
# initnewcluster on /ledgers, bookie Main --conf, controller before segment store, and every config key below
# (the segment store logs them back; tier 1 is BOOKKEEPER with ensemble/quorums 1; strace shows the bookie's
# journal fdatasync while appends are acknowledged).
# Changes (each marked FIX below):
#   - lib.sh is sourced from this folder, and the jars come from this folder's pom.xml into
#     $CACHE/pravega-0.13.0/lib-interop, shared with run.sh. Its bc-fips exclusion (see pom.xml) is needed here
#     too: with the shared pom's jars (bc-fips 1.0.2 beside bcprov-jdk15on 1.70) the controller never logged
#     "Controller Services started successfully" (NoSuchFieldError id_alg_AEADChaCha20Poly1305) and start failed;
#   - stop: the controller is stopped BEFORE the segment store; in the shared order its SIGTERM shutdown hung
#     (event processors retrying the gone segment store) until the 30 s SIGKILL;
#   - start refuses a port that something else already holds: the readiness checks only test that the port
#     accepts, so a leftover instance would have been taken for this one's.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"  # FIX: this folder's copy (the shared script sources ../lib.sh)

VERSION=0.13.0
LIB=$CACHE/pravega-$VERSION/lib-interop  # FIX: run.sh's jar set (this folder's pom.xml, bc-fips excluded)
CMD=${1:-status}
DATA=${2:-${PRAVEGA_DURABLE_DIR:-$CACHE/data/pravega-durable}}
OFF=${PRAVEGA_PORT_OFFSET:-0}
ZK_PORT=$((2181 + OFF))
BK_PORT=$((3181 + OFF))
CONTROLLER_PORT=$((9090 + OFF))
REST_PORT=$((9091 + OFF))
SS_PORT=$((12345 + OFF))
SS_REST_PORT=$((6061 + OFF))
CONTAINERS=${PRAVEGA_CONTAINERS:-4}
TIMEOUT=${PRAVEGA_START_TIMEOUT:-240}
# BookKeeper's metadata root in ZooKeeper. Its parent must exist before `initnewcluster`; "/" always does.
LEDGERS=/ledgers
CONF=$DATA/conf
LOGS=$DATA/logs

ZK_MAIN=org.apache.zookeeper.server.ZooKeeperServerMain
BK_MAIN=org.apache.bookkeeper.server.Main
BK_SHELL=org.apache.bookkeeper.bookie.BookieShell
CONTROLLER_MAIN=io.pravega.controller.server.Main
SS_MAIN=io.pravega.segmentstore.server.host.ServiceStarter

write_configs() {
  mkdir -p "$CONF" "$LOGS" "$DATA/zk" "$DATA/bookie/journal" "$DATA/bookie/ledgers" "$DATA/lts" "$DATA/tmp"
  cat >"$CONF/zoo.cfg" <<EOF
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$DATA/zk
clientPort=$ZK_PORT
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
EOF
  cat >"$CONF/bk_server.conf" <<EOF
bookiePort=$BK_PORT
advertisedAddress=127.0.0.1
listeningInterface=lo
allowLoopback=true
useHostNameAsBookieID=false
metadataServiceUri=zk://127.0.0.1:$ZK_PORT$LEDGERS
journalDirectories=$DATA/bookie/journal
ledgerDirectories=$DATA/bookie/ledgers
# Durability: fsync the journal before acking an add (the default, stated for the record), group commit on.
journalSyncData=true
journalAdaptiveGroupWrites=true
httpServerEnabled=false
# Shared CI disks run nearly full at times; the default 0.95 would turn the bookie read-only.
diskUsageThreshold=0.99
diskUsageWarnThreshold=0.98
EOF
  cat >"$CONF/controller.properties" <<EOF
controller.zk.connect.uri=127.0.0.1:$ZK_PORT
controller.cluster.name=pravega-cluster
controller.container.count=$CONTAINERS
controller.service.rpc.listener.port=$CONTROLLER_PORT
controller.service.rpc.published.host.nameOrIp=127.0.0.1
controller.service.rpc.published.port=$CONTROLLER_PORT
controller.service.rest.listener.host.ip=127.0.0.1
controller.service.rest.listener.port=$REST_PORT
controller.security.auth.enable=false
controller.security.tls.enable=false
EOF
  cat >"$CONF/segmentstore.properties" <<EOF
pravegaservice.container.count=$CONTAINERS
pravegaservice.zk.connect.uri=127.0.0.1:$ZK_PORT
pravegaservice.service.listener.host.nameOrIp=127.0.0.1
pravegaservice.service.published.host.nameOrIp=127.0.0.1
pravegaservice.service.listener.port=$SS_PORT
pravegaservice.rest.listener.host=127.0.0.1
pravegaservice.rest.listener.port=$SS_REST_PORT
pravegaservice.admin.gateway.enable=false
pravegaservice.dataLog.impl.name=BOOKKEEPER
pravegaservice.storage.impl.name=FILESYSTEM
pravegaservice.storage.layout=CHUNKED_STORAGE
# The default cache is 4 GiB of direct memory; ServiceStarter refuses to start unless MaxDirectMemorySize > cache.
pravegaservice.cache.size.max=536870912
filesystem.root=$DATA/lts
bookkeeper.zk.connect.uri=127.0.0.1:$ZK_PORT
bookkeeper.ledger.path=$LEDGERS
bookkeeper.ensemble.size=1
bookkeeper.write.quorum.size=1
bookkeeper.ack.quorum.size=1
autoScale.controller.connect.uri=tcp://127.0.0.1:$CONTROLLER_PORT
metrics.statistics.enable=false
EOF
}

# start_jvm NAME MAIN HEAP DIRECT [JVM flags ...] -- [args ...]
start_jvm() {
  local name=$1 main=$2 heap=$3 direct=$4 pid
  shift 4
  local flags=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  if pid=$(running "$DATA/$name.pid" "$main"); then
    log "$name already running (pid $pid)"
    return 0
  fi
  # A fresh .out per start: the readiness checks grep it, so a line from the previous run must not count.
  [ -f "$LOGS/$name.out" ] && mv -f "$LOGS/$name.out" "$LOGS/$name.out.prev"
  # shellcheck disable=SC2086 # JDK17_OPENS is a list of flags
  "$JAVA" -server -Xms"$heap" -Xmx"$heap" -XX:MaxDirectMemorySize="$direct" -XX:+UseG1GC $JDK17_OPENS \
    -Djava.io.tmpdir="$DATA/tmp" -Djava.net.preferIPv4Stack=true \
    -Dlogback.configurationFile="$HERE/logback.xml" -Dref.logfile="$LOGS/$name.log" \
    "${flags[@]}" -cp "$LIB/*" "$main" "${args[@]}" >"$LOGS/$name.out" 2>&1 </dev/null &
  echo $! >"$DATA/$name.pid"
  log "$name started (pid $!)"
}

fail() { # NAME MESSAGE
  tail -20 "$LOGS/$1.out" 2>/dev/null >&2 || true
  grep -m5 -E 'ERROR|Exception' "$LOGS/$1.log" 2>/dev/null >&2 || true
  die "$2 (logs: $LOGS/$1.log and $1.out); run '$0 stop' to clean up"
}

pid_of() { running "$DATA/$1.pid" "$2" || echo dead; } # "dead" makes wait_port/wait_log give up at once

# FIX: free_port NAME MAIN PORT -> dies when PORT accepts although NAME (per its pid file) is not running:
# wait_port would otherwise take another process's port for this JVM's.
free_port() {
  if ! running "$DATA/$1.pid" "$2" >/dev/null && port_open "$3"; then
    die "127.0.0.1:$3 ($1) is already in use by another process (set PRAVEGA_PORT_OFFSET)"
  fi
}

start() {
  pick_java 11
  fetch_jars "$HERE/pom.xml" "$LIB"
  write_configs
  free_port zookeeper "$ZK_MAIN" "$ZK_PORT"
  free_port bookie "$BK_MAIN" "$BK_PORT"
  free_port controller "$CONTROLLER_MAIN" "$CONTROLLER_PORT"
  free_port controller "$CONTROLLER_MAIN" "$REST_PORT"
  free_port segmentstore "$SS_MAIN" "$SS_PORT"
  free_port segmentstore "$SS_MAIN" "$SS_REST_PORT"

  start_jvm zookeeper "$ZK_MAIN" 256m 128m -Dzookeeper.admin.enableServer=false -- "$CONF/zoo.cfg"
  wait_port "$ZK_PORT" 60 "$(pid_of zookeeper "$ZK_MAIN")" || fail zookeeper "ZooKeeper did not open $ZK_PORT (or exited)"

  if [ ! -f "$DATA/.bookkeeper-initialized" ]; then
    # Creates $LEDGERS, its available/readonly children, INSTANCEID and the ledger layout, once per cluster.
    # shellcheck disable=SC2086
    "$JAVA" $JDK17_OPENS -Dlogback.configurationFile="$HERE/logback.xml" -Dref.logfile="$LOGS/bookieshell.log" \
      -cp "$LIB/*" "$BK_SHELL" -conf "$CONF/bk_server.conf" initnewcluster >>"$LOGS/bookieshell.out" 2>&1 ||
      fail bookieshell "BookieShell initnewcluster failed"
    touch "$DATA/.bookkeeper-initialized"
  fi
  start_jvm bookie "$BK_MAIN" 512m 1g -- --conf "$CONF/bk_server.conf"
  wait_port "$BK_PORT" "$TIMEOUT" "$(pid_of bookie "$BK_MAIN")" || fail bookie "bookie did not open $BK_PORT (or exited)"

  start_jvm controller "$CONTROLLER_MAIN" 512m 256m -Dconfig.file="$CONF/controller.properties" --
  wait_port "$CONTROLLER_PORT" "$TIMEOUT" "$(pid_of controller "$CONTROLLER_MAIN")" ||
    fail controller "controller did not open $CONTROLLER_PORT (or exited)"

  start_jvm segmentstore "$SS_MAIN" "${PRAVEGA_SS_HEAP:-1g}" "${PRAVEGA_SS_DIRECT:-1g}" -Dpravega.configurationFile="$CONF/segmentstore.properties" --
  local ss
  ss=$(pid_of segmentstore "$SS_MAIN")
  wait_port "$SS_PORT" "$TIMEOUT" "$ss" || fail segmentstore "segment store did not open $SS_PORT (or exited)"
  wait_log "$LOGS/segmentstore.out" "PravegaConnectionListener started successfully" "$TIMEOUT" "$ss" ||
    fail segmentstore "segment store did not finish starting"
  wait_log "$LOGS/controller.out" "Controller Services started successfully" "$TIMEOUT" \
    "$(pid_of controller "$CONTROLLER_MAIN")" || fail controller "controller did not finish starting"
  log "ready: controller tcp://127.0.0.1:$CONTROLLER_PORT, segment store 127.0.0.1:$SS_PORT, data in $DATA"
  status
}

stop() {
  # FIX: controller before segment store. With the segment store already gone the controller's SIGTERM
  # shutdown hung after "GRPC Server shutdown" (its event processors retry the segment store) until the
  # 30 s SIGKILL.
  stop_pid "$DATA/controller.pid" "$CONTROLLER_MAIN" 30
  stop_pid "$DATA/segmentstore.pid" "$SS_MAIN" 30
  stop_pid "$DATA/bookie.pid" "$BK_MAIN" 30
  stop_pid "$DATA/zookeeper.pid" "$ZK_MAIN" 15
}

status() {
  local name main pid
  for name in zookeeper:$ZK_MAIN bookie:$BK_MAIN controller:$CONTROLLER_MAIN segmentstore:$SS_MAIN; do
    main=${name#*:}
    name=${name%%:*}
    if pid=$(running "$DATA/$name.pid" "$main"); then echo "$name PID=$pid"; else echo "$name stopped"; fi
  done
}

case $CMD in
  start) start ;;
  stop) stop ;;
  status) status ;;
  wipe)
    stop
    case $DATA in / | "$HOME" | "$HOME/" | "") die "refusing to wipe '$DATA'" ;; esac
    rm -rf "$DATA"
    log "wiped $DATA"
    ;;
  *) die "usage: $0 start|stop|status|wipe [DATA_DIR]" ;;
esac
