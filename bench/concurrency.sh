#!/usr/bin/env bash
# Parallel delivery within one integration (issue 19; docs/benchmarks.md, "Requests in flight"): a webhook module with
# batch size 1 against a stand-in that answers every request after BENCH_ANSWER_MS (50), events/s delivered for each
# concurrency in BENCH_CONCURRENCY ("1 8 32"). Drover runs from the jar on its embedded Kafka; the stand-in and the
# sender are io.drover.bench.ConcurrentDelivery. Bounded: BENCH_SECONDS (20) of backlog per value, at most 10x that
# to drain. This measures waiting, not CPU: it may run on a busy machine, and the ceiling is concurrency x 1000/answer.
#   bench/concurrency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ANSWER_MS=${BENCH_ANSWER_MS:-50}
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
CONCURRENCY=${BENCH_CONCURRENCY:-1 8 32}
JAR=${BENCH_JAR:-$ROOT/target/drover.jar}
OUT=${BENCH_OUT:-$ROOT/target/bench/concurrency-$(date +%Y%m%d-%H%M%S)}
WRITE_KEY=bench-write-key
mkdir -p "$OUT"
source "$ROOT/bench/lib.sh"
DROVER_PID= DATA_DIR=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$DROVER_PID"
  [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
  [[ $rc -ne 0 ]] && log "FAILED (exit $rc); logs in $OUT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_bench io/drover/bench/ConcurrentDelivery.class

free_port port; free_port kafka; free_port controller; free_port admin; free_port vport
DATA_DIR=$(mktemp -d /tmp/drover-lanes-XXXXXX)
mkdir -p "$DATA_DIR/integrations"
DROVER_HTTP_PORT=$port DROVER_HTTP_HOST=127.0.0.1 DROVER_ADMIN_PORT=$admin DROVER_DATA_DIR=$DATA_DIR \
DROVER_KAFKA_EMBEDDED_PORT=$kafka DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT=$controller \
DROVER_SOURCES_BENCH_WRITE_KEY=$WRITE_KEY DROVER_INTEGRATIONS_DIR="$DATA_DIR/integrations" \
DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS=true DROVER_IDENTITY_ENABLED=false \
  java -Xmx512m -jar "$JAR" > "$OUT/drover.log" 2>&1 &
DROVER_PID=$!
drover_ready() { grep -q "Drover is taking events on port $port" "$OUT/drover.log"; }
wait_ready Drover "$DROVER_PID" "$port" drover_ready

java -cp "$CP" io.drover.bench.ConcurrentDelivery "http://127.0.0.1:$port" "$WRITE_KEY" "$DATA_DIR/integrations" \
  "$vport" "$ANSWER_MS" "$SECONDS_PER_RUN" "$(echo $CONCURRENCY | tr ' ' ',')" | tee "$OUT/results.txt"
