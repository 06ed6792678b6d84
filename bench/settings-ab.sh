#!/usr/bin/env bash
# A/B of Drover settings under one load: for each configuration (a label and environment assignments, one per line on
# stdin), a fresh Drover on the pre-warmed 10 M-user identity store (bench/lib.sh), BENCH_WARMUP seconds of the load
# (not counted), then BENCH_DURATION seconds measured; one line per configuration. Interleave the configurations
# ("a, b, a, b"): on this machine runs an hour apart differ by more than most settings do. Only 127.0.0.1 is used.
#
#   printf 'b16k CAMEL_COMPONENT_KAFKA_PRODUCER_BATCH_SIZE=16384\nb128k\nb16k CAMEL_COMPONENT_KAFKA_PRODUCER_BATCH_SIZE=16384\nb128k\n' | bench/settings-ab.sh
#   (a label alone: the settings as shipped)
#
# Settings (environment): BENCH_BATCH=100 (0: single posts to /v1/track), BENCH_AB_CONNECTIONS=8, BENCH_WARMUP=120,
# BENCH_DURATION=20, BENCH_OUT=target/bench/ab-<time>, and the population's (BENCH_USERS... as in bench/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BATCH=${BENCH_BATCH:-100}
CONNECTIONS=${BENCH_AB_CONNECTIONS:-8}
WARMUP=${BENCH_WARMUP:-120}
DURATION=${BENCH_DURATION:-20}
OUT=${BENCH_OUT:-$ROOT/target/bench/ab-$(date +%Y%m%d-%H%M%S)}
WRITE_KEY=bench-write-key
AUTH="Basic $(printf '%s:' "$WRITE_KEY" | base64)"
ENDPOINT=batch; [[ $BATCH == 0 ]] && ENDPOINT=track
mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
build_bench io/drover/bench/OpenLoop.class
population
build_identity_store
PID= DATA_DIR=
cleanup() { stop_pid "$PID"; [[ -n "$DATA_DIR" ]] && rm -rf "$DATA_DIR"; PID= DATA_DIR=; }
trap cleanup EXIT
trap 'exit 130' INT TERM
load() {  # load SECONDS OUTFILE
  BENCH_LABEL=ab BENCH_BATCH=$BATCH BENCH_AUTH=$AUTH wrk -t2 -c"$CONNECTIONS" -d"$1"s --timeout 10s --latency \
    -s "$ROOT/bench/ingest.lua" "http://127.0.0.1:$PORT/v1/$ENDPOINT" < /dev/null > "$2" 2>&1
}
while read -r label assignments; do
  [[ -z "$label" || $label == \#* ]] && continue
  DATA_DIR=$(mktemp -d /tmp/drover-ab-XXXXXX)
  prewarm_identity "$DATA_DIR" < /dev/null
  free_port PORT; free_port KAFKA_PORT; free_port CONTROLLER_PORT
  # shellcheck disable=SC2086 # the assignments are words on purpose
  env $assignments DROVER_HTTP_HOST=127.0.0.1 DROVER_HTTP_PORT=$PORT DROVER_DATA_DIR=$DATA_DIR \
    DROVER_KAFKA_EMBEDDED_PORT=$KAFKA_PORT DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT=$CONTROLLER_PORT \
    DROVER_SOURCES_BENCH_WRITE_KEY=$WRITE_KEY \
    java -Xmx512m -jar "$ROOT/target/drover.jar" < /dev/null > "$OUT/$label-drover.log" 2>&1 &
  PID=$!
  ready() { grep -q "Drover is taking events on port $PORT" "$OUT/$label-drover.log"; }
  wait_ready Drover "$PID" "$PORT" ready
  load "$WARMUP" "$OUT/$label-warmup.out"
  load "$DURATION" "$OUT/$label.out"
  echo "$label ($assignments): $(grep -o 'events_per_s=[0-9.]*\|p50_ms=[0-9.]*\|p99_ms=[0-9.]*' "$OUT/$label.out" | tr '\n' ' ')" \
    | tee -a "$OUT/results.txt"
  cleanup
done
