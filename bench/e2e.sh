#!/usr/bin/env bash
# Drover end-to-end benchmark (see docs/benchmarks.md): ingestion -> Kafka -> N integrations -> a stand-in vendor.
# For each number of integrations and each rate: a fresh Drover (embedded broker, fresh data dir) with N batching
# webhook-style modules pointing at the stand-in vendor of io.drover.bench.EndToEnd, which also generates the load
# (open loop, /v1/batch) and measures delivered events/s per integration and the delivery latency (due-to-send ->
# arrived at the vendor). Everything is bounded in time and stopped on exit. Only 127.0.0.1 is ever sent traffic.
#
# Settings (environment):
#   BENCH_INTEGRATIONS="1 5"   numbers of integrations to run
#   BENCH_RATES=20000          offered events/s (several: "20000 40000")
#   BENCH_BATCH_SIZE=100       events per /v1/batch request of the generator
#   BENCH_MODULE_BATCH=500     events per vendor request (the modules' batchSize)
#   BENCH_MODULE_LINGER=50     the modules' lingerMs
#   BENCH_DURATION=30          measured seconds
#   BENCH_WARMUP=150           warm-up seconds, not counted: the JIT keeps compiling for about two minutes under
#                              load (a third to half of a core); with 20 s the window measured a JVM still warming up
#   BENCH_WARMUP_RATE=rate/2   events/s during the warm-up, so that no backlog built by a cold JVM spills into the window
#   BENCH_HEAP=1g              -Xmx of Drover
#   BENCH_JAR=target/drover.jar the Drover to run (another build, to compare two versions on the same machine)
#   BENCH_PROFILE=0            1: record Drover under JFR (CPU samples every 10 ms, bench/cpu-samples.jfc) in the measured
#                              window and summarise it (<label>-profile.txt); see docs/benchmarks.md for what it costs
#   BENCH_OUT=target/bench/e2e-<time>
#   BENCH_USERS=10000000 BENCH_KNOWN=0.3 BENCH_ZIPF=1.1 BENCH_NEW=0.05: the user population, as in bench/run.sh (the
#                              identity store starts with it; BENCH_USERS=0: a fresh user per event)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
INTEGRATIONS=${BENCH_INTEGRATIONS:-1 5}
RATES=${BENCH_RATES:-20000}
BATCH=${BENCH_BATCH_SIZE:-100}
MODULE_BATCH=${BENCH_MODULE_BATCH:-500}
MODULE_LINGER=${BENCH_MODULE_LINGER:-50}
DURATION=${BENCH_DURATION:-30}
WARMUP=${BENCH_WARMUP:-150}
WARMUP_RATE=${BENCH_WARMUP_RATE:-}
HEAP=${BENCH_HEAP:-1g}
PROFILE=${BENCH_PROFILE:-0}
# With a profile, JFR starts with the JVM: started mid-run on a warm Drover, even a CPU-samples-only recording slowed
# it from 20,000 to 6,100 events/s (starting JFR re-instruments JDK classes, and the compiled code that inlined them is
# thrown away while the load goes on). The recording of the window is a second one, started and stopped by jcmd.
JFR_AT_START=()
[[ $PROFILE == 1 ]] && JFR_AT_START=(-XX:StartFlightRecording=name=boot,settings="$ROOT/bench/cpu-samples.jfc",maxage=1m)
JAR=${BENCH_JAR:-$ROOT/target/drover.jar}
OUT=${BENCH_OUT:-$ROOT/target/bench/e2e-$(date +%Y%m%d-%H%M%S)}
WRITE_KEY=bench-write-key
TICKS=$(getconf CLK_TCK)
mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
DROVER_PID= LOAD_PID= DATA_DIR=

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  exec 3>&- 2>/dev/null || true
  stop_pid "$LOAD_PID"; stop_pid "$DROVER_PID"
  [[ -n $DATA_DIR ]] && rm -rf "$DATA_DIR"
  [[ $rc -ne 0 ]] && log "FAILED (exit $rc); logs in $OUT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_bench io/drover/bench/EndToEnd.class
population
build_identity_store
check_quiet

module() {  # module NAME INDEX VENDOR_PORT: a batching webhook-style module pointing at the stand-in vendor
  cat <<YAML
- templatedRoute:
    routeTemplateRef: drover-integration
    routeId: $1
    parameters:
      - name: name
        value: $1
      - name: endpoint
        value: "http://127.0.0.1:$3/v/$2"
      - name: startFrom
        value: earliest
      - name: batchSize
        value: "$MODULE_BATCH"
      - name: lingerMs
        value: "$MODULE_LINGER"
    beans:
      - name: request
        type: "#class:io.drover.destinations.WebhookRequest"
        properties:
          secret: bench-secret
YAML
}

run_one() {  # run_one INTEGRATIONS RATE
  local n=$1 rate=$2 label="e2e-$1x-$2"
  local port kafka controller admin vport d0 d1 g0 g1
  free_port port; free_port kafka; free_port controller; free_port admin; free_port vport
  DATA_DIR=$(mktemp -d /tmp/drover-e2e-XXXXXX)
  mkdir -p "$DATA_DIR/integrations"
  prewarm_identity "$DATA_DIR"
  for i in $(seq 0 $((n - 1))); do module "bench-$i" "$i" "$vport" > "$DATA_DIR/integrations/bench-$i.yaml"; done

  # The stand-in vendor first (its port must listen before the modules deliver), then Drover, then GO.
  rm -f "$OUT/$label.go"; mkfifo "$OUT/$label.go"
  java -Xmx512m -cp "$CP" io.drover.bench.EndToEnd "http://127.0.0.1:$port" "$WRITE_KEY" "$vport" "$n" "$rate" \
    "$BATCH" "$DURATION" "$WARMUP" "${WARMUP_RATE:-$((rate / 2))}" < "$OUT/$label.go" > "$OUT/$label.out" 2> "$OUT/$label.err" &
  LOAD_PID=$!
  exec 3> "$OUT/$label.go"
  for _ in $(seq 100); do grep -q "VENDOR READY" "$OUT/$label.out" && break; sleep 0.2; done

  DROVER_HTTP_PORT=$port DROVER_HTTP_HOST=127.0.0.1 DROVER_ADMIN_PORT=$admin DROVER_DATA_DIR=$DATA_DIR \
  DROVER_KAFKA_EMBEDDED_PORT=$kafka DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT=$controller \
  DROVER_SOURCES_BENCH_WRITE_KEY=$WRITE_KEY DROVER_INTEGRATIONS_DIR="$DATA_DIR/integrations" \
  DROVER_DELIVERY_ALLOW_PRIVATE_TARGETS=true \
    java -Xmx"$HEAP" -Xlog:gc:file="$OUT/$label-gc.log" "${JFR_AT_START[@]}" -jar "$JAR" > "$OUT/$label-drover.log" 2>&1 3>&- &
  DROVER_PID=$!
  drover_ready() { grep -q "Drover is taking events on port $port" "$OUT/$label-drover.log" \
                   && [[ $(grep -c "reading partitions" "$OUT/$label-drover.log") -ge $n ]]; }
  wait_ready Drover "$DROVER_PID" "$port" drover_ready

  log "$label: $n integration(s), $rate events/s offered in batches of $BATCH, ${WARMUP}s warm-up at ${WARMUP_RATE:-$((rate / 2))}/s + ${DURATION}s"
  d0=$(cpu_of "$DROVER_PID"); g0=$(cpu_of "$LOAD_PID")
  echo GO >&3
  sleep "$WARMUP"
  d0=$(cpu_of "$DROVER_PID"); g0=$(cpu_of "$LOAD_PID")
  [[ $PROFILE == 1 ]] && jcmd "$DROVER_PID" JFR.start name=bench settings="$ROOT/bench/cpu-samples.jfc" > /dev/null
  sleep "$DURATION"
  d1=$(cpu_of "$DROVER_PID"); g1=$(cpu_of "$LOAD_PID")
  if [[ $PROFILE == 1 ]]; then
    jcmd "$DROVER_PID" JFR.stop name=bench filename="$OUT/$label.jfr" > /dev/null
    "$ROOT/bench/jfr-summary.sh" "$OUT/$label.jfr" 40 > "$OUT/$label-profile.txt"
  fi
  exec 3>&-   # the generator exits once it has printed its result and sees its stdin closed
  wait "$LOAD_PID" || { log "$label: generator failed"; cat "$OUT/$label.err" >&2; return 1; }
  LOAD_PID=
  local cpu
  cpu=$(awk -v d=$((d1 - d0)) -v g=$((g1 - g0)) -v hz="$TICKS" -v s="$DURATION" \
        'BEGIN { printf "cpu_drover=%.2f cpu_generator_and_vendor=%.2f", d / hz / s, g / hz / s }')
  echo "$(grep -h '^RESULT' "$OUT/$label.out") $cpu" >> "$OUT/results.txt"
  log "$(tail -1 "$OUT/results.txt" | cut -c8-)"
  stop_pid "$DROVER_PID"; DROVER_PID=
  rm -rf "$DATA_DIR"; DATA_DIR=
}

for n in $INTEGRATIONS; do
  for rate in $RATES; do
    run_one "$n" "$rate"
  done
done

field() { grep -oE "(^| )$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2; }
{
  echo "| integrations | offered ev/s | accepted ev/s | delivered ev/s per integration (min) | all delivered | latency p50 | p99 | p99.9 | max | Drover CPU (cores) | generator + vendor CPU |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  while read -r line; do
    echo "| $(field integrations "$line") | $(field offered "$line") | $(field accepted_per_s "$line") | $(field delivered_per_s_min "$line") | $(field delivered_all "$line") | $(field latency_p50_ms "$line") ms | $(field latency_p99_ms "$line") ms | $(field latency_p999_ms "$line") ms | $(field latency_max_ms "$line") ms | $(field cpu_drover "$line") | $(field cpu_generator_and_vendor "$line") |"
  done < "$OUT/results.txt"
} > "$OUT/table.md"
{ echo "Users: $POPULATION."; echo; cat "$OUT/table.md"; } | tee "$OUT/results.md"
log "done; logs and results in $OUT"
