#!/usr/bin/env bash
# Drover ingestion benchmark (see docs/benchmarks.md). Builds if needed, starts Drover (fresh data dir, free ports)
# and a bare Camel platform-http route in another JVM, runs each load for a bounded time, prints a results table and
# stops everything it started, also on failure or Ctrl-C. Only 127.0.0.1 is ever sent traffic.
#
# Settings (environment):
#   BENCH_DURATION=20          seconds of each measured run
#   BENCH_WARMUP=30            seconds of warm-up before each closed-loop run (not counted). Drover's JIT needs it: in the
#                              first 20 s of load the compiler threads take about a third of a core on this machine
#   BENCH_OPEN_WARMUP=5        seconds of warm-up of each open-loop run (Drover is warm by then)
#   BENCH_CONNECTIONS="32 256" connections of the closed-loop single-event runs (Drover and bare route, one pair of
#                              runs per count; the first count is warmed for BENCH_WARMUP, the next ones for BENCH_REWARM)
#   BENCH_REWARM=15            seconds of warm-up when the connection count changes (the JIT is warm by then)
#   BENCH_THREADS=2            wrk threads
#   BENCH_BATCH_SIZE=100       events per /v1/batch request
#   BENCH_BATCH_CONNECTIONS=8  connections of the closed-loop batch run
#   BENCH_RATES=5000           open-loop rate(s), single events per second; several ("5000 2000") run one after the
#                              other, the first one is checked against the goal
#   BENCH_OPEN_CONNECTIONS=32  connections of the open-loop run
#   BENCH_HEAP=512m            -Xmx of both server JVMs
#   BENCH_DURABLE=1            1: also run the durable bare route (BareRoute with its own embedded broker: each event
#                              written to Kafka with Drover's producer settings before the answer, nothing else) at
#                              each single-event connection count and under batches, as the floor of durable
#                              ingestion on this machine; 0: skip
#   BENCH_PROFILE=0            1: one extra Drover single-event run under JFR, summarised. JFR then starts with Drover's
#                              JVM (CPU samples every 10 ms during every run; the profile is a second recording):
#                              started mid-run, JFR re-instruments JDK classes and the compiled code that inlined them
#                              is thrown away, so a recording started late profiles a re-compiling JVM (and the runs
#                              after it start colder); 0: skip
#   BENCH_OUT=target/bench/<time>  where logs, GC logs, the JFR recording and results.md go
#   BENCH_USERS=10000000       the user population (bench/lib.sh, population): the identity store starts with these
#   BENCH_KNOWN=0.3            users in it, and the load draws its events from them: BENCH_KNOWN of them logged in,
#   BENCH_ZIPF=1.1             events per user Zipf-distributed, BENCH_NEW of the events from never-seen visitors.
#   BENCH_NEW=0.05             BENCH_USERS=0: a fresh user per event and an empty store (the old behaviour)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-30}
OPEN_WARMUP=${BENCH_OPEN_WARMUP:-5}
CONNECTION_COUNTS=${BENCH_CONNECTIONS:-32 256}
CONNECTIONS=${CONNECTION_COUNTS%% *}
REWARM=${BENCH_REWARM:-15}
THREADS=${BENCH_THREADS:-2}
BATCH_SIZE=${BENCH_BATCH_SIZE:-100}
BATCH_CONNECTIONS=${BENCH_BATCH_CONNECTIONS:-8}
RATES=${BENCH_RATES:-5000}
RATE=${RATES%% *}
OPEN_CONNECTIONS=${BENCH_OPEN_CONNECTIONS:-32}
HEAP=${BENCH_HEAP:-512m}
PROFILE=${BENCH_PROFILE:-0}
JFR_AT_START=()
[[ $PROFILE == 1 ]] && JFR_AT_START=(-XX:StartFlightRecording=name=boot,settings="$ROOT/bench/cpu-samples.jfc",maxage=1m)
DURABLE=${BENCH_DURABLE:-1}
OUT=${BENCH_OUT:-$ROOT/target/bench/$(date +%Y%m%d-%H%M%S)}
WRITE_KEY=bench-write-key
AUTH="Basic $(printf '%s:' "$WRITE_KEY" | base64)"
TICKS=$(getconf CLK_TCK)

mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
DATA_DIR=$(mktemp -d /tmp/drover-bench-XXXXXX)
DURABLE_DIR=$(mktemp -d /tmp/drover-bench-durable-XXXXXX)
DROVER_PID= BARE_PID= DURABLE_PID= LOAD_PID=


cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$LOAD_PID"; stop_pid "$BARE_PID"; stop_pid "$DURABLE_PID"; stop_pid "$DROVER_PID"
  rm -rf "$DATA_DIR" "$DURABLE_DIR"
  [[ $rc -ne 0 ]] && log "FAILED (exit $rc); logs in $OUT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------------------------------
build_bench io/drover/bench/OpenLoop.class
population
build_identity_store
prewarm_identity "$DATA_DIR"
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

# --- helpers -----------------------------------------------------------------------------------------------------

# CPU ticks of each thread of a process, as "ticks name" (the name is the kernel's 15-character thread name, digits
# folded to N so that pools add up; utime + stime are fields 14 and 15 of stat, 11 and 12 once pid, name and state
# are cut off). Two snapshots give the CPU split of a run: event loops, broker, GC, JIT...
thread_cpu() {
  for f in /proc/"$1"/task/*/stat; do cat "$f" 2>/dev/null; done \
    | sed -E 's/^[0-9]+ \((.*)\) [A-Z] (.*)$/\2\t\1/' \
    | awk -F'\t' '{ split($1, a, " "); name = $2; gsub(/[0-9]+/, "N", name); t[name] += a[11] + a[12] }
                  END { for (n in t) print t[n] "\t" n }'
}
thread_split() {  # thread_split BEFORE AFTER SECONDS: cores used per thread group, busiest first
  awk -F'\t' -v hz="$TICKS" -v secs="$3" 'NR == FNR { before[$2] = $1; next }
    { d = $1 - before[$2]; if (d > 0) printf "%6.2f cores  %s\n", d / hz / secs, $2 }' "$1" "$2" | sort -rn
}
# Whole machine, in ticks: time in processes (user, nice, system), in interrupts (irq, softirq: much of loopback TCP
# is done there), and all time including idle.
machine_cpu() { awk '/^cpu /{print $2+$3+$4, $7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
# CPU seconds of this shell's finished children. `times` must run in this shell, not in a $(...) subshell.
children_cpu_to() {
  times > "$1"
  tail -1 "$1" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); s += a[1] * 60 + a[2] } print s }' > "$1.s"
}

# Runs one load generator in the background (so that a signal reaches the cleanup at once, and the cleanup can stop
# it), waits for it, and records the CPU that the server, the generator and everything else used meanwhile.
# Usage: measure NAME SERVER_PID command...   Output: $OUT/NAME.out (with its RESULT line) and $OUT/NAME.cpu.
measure() {
  local name=$1 server=$2; shift 2
  local s0 m0 i0 t0 s1 m1 i1 t1
  s0=$(cpu_of "$server"); children_cpu_to "$OUT/.g0"; read -r m0 i0 t0 < <(machine_cpu); thread_cpu "$server" > "$OUT/.t0"
  "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" &
  LOAD_PID=$!
  wait "$LOAD_PID" || { log "$name: load generator failed, see $OUT/$name.err"; cat "$OUT/$name.err" >&2; return 1; }
  LOAD_PID=
  s1=$(cpu_of "$server"); children_cpu_to "$OUT/.g1"; read -r m1 i1 t1 < <(machine_cpu); thread_cpu "$server" > "$OUT/.t1"
  thread_split "$OUT/.t0" "$OUT/.t1" "$(awk -v t=$((t1 - t0)) -v hz="$TICKS" -v n="$(nproc)" 'BEGIN { print t / n / hz }')" \
    > "$OUT/$name.threads"
  # Cores busy on average: the server, the generator, interrupts, and other processes (another build, say).
  awk -v s=$((s1 - s0)) -v g0="$(cat "$OUT/.g0.s")" -v g1="$(cat "$OUT/.g1.s")" -v m=$((m1 - m0)) -v i=$((i1 - i0)) \
      -v t=$((t1 - t0)) -v hz="$TICKS" -v n="$(nproc)" \
    'BEGIN { w = t / n / hz; sv = s / hz / w; gn = (g1 - g0) / w; all = m / hz / w; other = all - sv - gn;
             printf "cpu_server=%.2f cpu_generator=%.2f cpu_irq=%.2f cpu_other=%.2f\n", sv, gn, i / hz / w, (other > 0 ? other : 0) }' \
    > "$OUT/$name.cpu"
  grep -q '^RESULT' "$OUT/$name.out" || { log "$name: no RESULT line"; cat "$OUT/$name.out" >&2; return 1; }
  log "$name: $(grep -h '^RESULT' "$OUT/$name.out" | cut -c8-) $(cat "$OUT/$name.cpu")"
}
result() { grep -h '^RESULT' "$OUT/$1.out"; }

wrk_run() {  # wrk_run LABEL URL CONNECTIONS SECONDS BATCH
  BENCH_LABEL=$1 BENCH_BATCH=$5 BENCH_AUTH=$AUTH \
    wrk -t"$THREADS" -c"$3" -d"$4s" --timeout 10s --latency -s "$ROOT/bench/ingest.lua" "$2"
}
warm() {  # warm LABEL URL CONNECTIONS BATCH [SECONDS]: a run whose figures are thrown away (JIT, pools, the broker's log)
  log "warm-up $1 (${5:-$WARMUP}s)"
  wrk_run "$1" "$2" "$3" "${5:-$WARMUP}" "$4" > "$OUT/$1-warmup.out" 2>&1
}

# The GC log since a given line: pauses, max heap after GC (the live set under load), max pause.
gc_mark() { wc -l < "$OUT/drover-gc.log"; }
gc_since() {
  tail -n +"$(($1 + 1))" "$OUT/drover-gc.log" | awk '
    / Pause / && match($0, /[0-9]+M->[0-9]+M\([0-9]+M\)/) {
      split(substr($0, RSTART, RLENGTH), a, /M->|M\(|M\)/); n++; if (a[2] > after) after = a[2]; heap = a[3]
      if (match($0, /[0-9.]+ms$/)) { p = substr($0, RSTART, RLENGTH - 2) + 0; sum += p; if (p > max) max = p }
    }
    END { printf "gc_pauses=%d heap_after_gc_max_mb=%d heap_committed_mb=%d gc_pause_max_ms=%.1f gc_pause_total_ms=%.0f\n",
          n, after, heap, max, sum }'
}
# num NAME "k=v k=v ...": the value of one field of a result line, 0 when absent.
num() { local v; v=$(grep -oE "(^| )$1=[^ ]*" <<<"$2" | head -1 | cut -d= -f2); echo "${v:-0}"; }

# --- start the servers -------------------------------------------------------------------------------------------
free_port DROVER_PORT; free_port KAFKA_PORT; free_port CONTROLLER_PORT; free_port BARE_PORT
free_port DURABLE_PORT; free_port DURABLE_KAFKA_PORT; free_port DURABLE_CONTROLLER_PORT
check_quiet

log "starting Drover (-Xmx$HEAP) on port $DROVER_PORT, data in $DATA_DIR"
DROVER_HTTP_PORT=$DROVER_PORT DROVER_HTTP_HOST=127.0.0.1 DROVER_DATA_DIR=$DATA_DIR \
DROVER_KAFKA_EMBEDDED_PORT=$KAFKA_PORT DROVER_KAFKA_EMBEDDED_CONTROLLER_PORT=$CONTROLLER_PORT \
DROVER_SOURCES_BENCH_WRITE_KEY=$WRITE_KEY \
  java -Xmx"$HEAP" -Xlog:gc:file="$OUT/drover-gc.log" "${JFR_AT_START[@]}" -jar "$ROOT/target/drover.jar" > "$OUT/drover.log" 2>&1 &
DROVER_PID=$!

log "starting the bare Camel route (-Xmx$HEAP) on port $BARE_PORT"
java -Xmx"$HEAP" -cp "$CP" io.drover.bench.BareRoute "$BARE_PORT" > "$OUT/bare.log" 2>&1 &
BARE_PID=$!

if [[ $DURABLE == 1 ]]; then
  log "starting the durable bare route (-Xmx$HEAP, its own embedded broker) on port $DURABLE_PORT"
  java -Xmx"$HEAP" -cp "$CP" io.drover.bench.BareRoute "$DURABLE_PORT" "$DURABLE_DIR" "$DURABLE_KAFKA_PORT" \
    "$DURABLE_CONTROLLER_PORT" > "$OUT/durable.log" 2>&1 &
  DURABLE_PID=$!
fi

drover_ready() { grep -q "Drover is taking events on port $DROVER_PORT" "$OUT/drover.log"; }
bare_ready() {
  [[ $(curl -s -m 2 -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$BARE_PORT/v1/track" 2>/dev/null) == '{"success":true}' ]]
}
wait_ready Drover "$DROVER_PID" "$DROVER_PORT" drover_ready
wait_ready "bare route" "$BARE_PID" "$BARE_PORT" bare_ready
durable_ready() {
  [[ $(curl -s -m 5 -H 'Content-Type: application/json' -d '{"userId":"ready"}' "http://127.0.0.1:$DURABLE_PORT/v1/track" 2>/dev/null) == '{"success":true}' ]]
}
[[ $DURABLE == 1 ]] && wait_ready "durable bare route" "$DURABLE_PID" "$DURABLE_PORT" durable_ready
DURABLE_URL=http://127.0.0.1:$DURABLE_PORT

DROVER=http://127.0.0.1:$DROVER_PORT
BARE=http://127.0.0.1:$BARE_PORT
answer=$(curl -s -m 10 -H "Authorization: $AUTH" -H 'Content-Type: application/json' \
  -d '{"userId":"bench-smoke","event":"Bench Started"}' "$DROVER/v1/track")
[[ $answer == '{"success":true}' ]] || { log "Drover's smoke request failed: $answer"; exit 1; }

# --- 1. single events, closed loop: bare route vs Drover, at each connection count ---------------------------------
declare -A GC_TRACK
for c in $CONNECTION_COUNTS; do
  w=$WARMUP; [[ $c != "$CONNECTIONS" ]] && w=$REWARM
  warm "bare-track-$c" "$BARE/v1/track" "$c" 0 "$w"
  warm "drover-track-$c" "$DROVER/v1/track" "$c" 0 "$w"
  log "measuring: bare route, single events, $c connections, ${DURATION}s"
  measure "bare-track-$c" "$BARE_PID" wrk_run "bare-track-$c" "$BARE/v1/track" "$c" "$DURATION" 0
  log "measuring: Drover, single events, $c connections, ${DURATION}s"
  mark=$(gc_mark)
  measure "drover-track-$c" "$DROVER_PID" wrk_run "drover-track-$c" "$DROVER/v1/track" "$c" "$DURATION" 0
  GC_TRACK[$c]=$(gc_since "$mark")
  if [[ $DURABLE == 1 ]]; then
    warm "durable-track-$c" "$DURABLE_URL/v1/track" "$c" 0 "$w"
    log "measuring: durable bare route, single events, $c connections, ${DURATION}s"
    measure "durable-track-$c" "$DURABLE_PID" wrk_run "durable-track-$c" "$DURABLE_URL/v1/track" "$c" "$DURATION" 0
  fi
done
# The baseline's job is done: stop it so that it takes nothing from the remaining runs.
stop_pid "$BARE_PID"; BARE_PID=

if [[ $PROFILE == 1 ]]; then
  log "profiling: Drover, single events, ${DURATION}s under JFR (figures not used)"
  # CPU samples only, every 10 ms (bench/cpu-samples.jfc): JDK 17's jcmd ignores "event#setting=value" options and
  # would make its default recording. A second recording: the first one started with the JVM (BENCH_PROFILE above).
  jcmd "$DROVER_PID" JFR.start name=bench settings="$ROOT/bench/cpu-samples.jfc" > /dev/null
  measure drover-track-profiled "$DROVER_PID" wrk_run drover-track-profiled "$DROVER/v1/track" "$CONNECTIONS" "$DURATION" 0
  jcmd "$DROVER_PID" JFR.stop name=bench filename="$OUT/drover-track.jfr" > /dev/null
  "$ROOT/bench/jfr-summary.sh" "$OUT/drover-track.jfr" > "$OUT/drover-track-profile.txt"
fi

# --- 2. + 3. batches of 100, closed loop, and the heap that takes --------------------------------------------------
warm drover-batch "$DROVER/v1/batch" "$BATCH_CONNECTIONS" "$BATCH_SIZE"
log "measuring: Drover, batches of $BATCH_SIZE, $BATCH_CONNECTIONS connections, ${DURATION}s"
mark=$(gc_mark)
measure drover-batch "$DROVER_PID" wrk_run drover-batch "$DROVER/v1/batch" "$BATCH_CONNECTIONS" "$DURATION" "$BATCH_SIZE"
GC_BATCH=$(gc_since "$mark")
if [[ $DURABLE == 1 ]]; then
  warm durable-batch "$DURABLE_URL/v1/batch" "$BATCH_CONNECTIONS" "$BATCH_SIZE" "$REWARM"
  log "measuring: durable bare route, batches of $BATCH_SIZE, $BATCH_CONNECTIONS connections, ${DURATION}s"
  measure durable-batch "$DURABLE_PID" wrk_run durable-batch "$DURABLE_URL/v1/batch" "$BATCH_CONNECTIONS" "$DURATION" "$BATCH_SIZE"
  stop_pid "$DURABLE_PID"; DURABLE_PID=
fi
jcmd "$DROVER_PID" GC.heap_info > "$OUT/heap-after-batch.txt"

# --- 4. single events, open loop at a fixed rate -------------------------------------------------------------------
declare -A GC_OPEN
for rate in $RATES; do
  log "measuring: Drover, open loop at $rate events/s, $OPEN_CONNECTIONS connections, ${OPEN_WARMUP}s warm-up + ${DURATION}s"
  mark=$(gc_mark)
  measure "drover-open-$rate" "$DROVER_PID" java -Xmx256m -cp "$CP" io.drover.bench.OpenLoop "$DROVER/v1/track" \
    "$rate" "$DURATION" "$OPEN_WARMUP" "$OPEN_CONNECTIONS" "$AUTH"
  GC_OPEN[$rate]=$(gc_since "$mark")
done

# The live set once the load has stopped: a full GC, then the heap in use.
jcmd "$DROVER_PID" GC.run > /dev/null
jcmd "$DROVER_PID" GC.heap_info > "$OUT/heap-after-full-gc.txt"
jcmd "$DROVER_PID" GC.class_histogram 2>/dev/null | head -25 > "$OUT/heap-histogram.txt" || true  # what the live set is
LIVE_KB=$(awk '/garbage-first heap|total/ && /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i+1); exit } }' \
  "$OUT/heap-after-full-gc.txt" | tr -d 'K,')

# --- results -----------------------------------------------------------------------------------------------------
R_BATCH=$(result drover-batch); R_OPEN=$(result "drover-open-$RATE")
row() {  # row NAME LOAD RESULT GC-SUMMARY NAME-OF-CPU-FILE
  local r=$3 g=$4 c rate events failed heap=n/a
  c=$(cat "$OUT/$5.cpu")
  [[ -n $g ]] && heap="$(num heap_after_gc_max_mb "$g") MB"
  rate=$(num req_per_s "$r"); [[ $rate == 0 ]] && rate=$(num achieved_rate "$r")
  events=$(num events_per_s "$r"); [[ $events == 0 ]] && events=$rate
  failed=$(( $(num failed_status "$r") + $(num socket_errors "$r") + $(num failed "$r") ))
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s |\n' "$1" "$2" "$rate" "$events" \
    "$(num p50_ms "$r")" "$(num p99_ms "$r")" "$(num p999_ms "$r")" "$failed" \
    "$heap" \
    "$(num cpu_server "$c")" "$(num cpu_generator "$c")" "$(num cpu_irq "$c")" "$(num cpu_other "$c")"
}
ratio() {  # ratio CONNECTIONS [BASELINE]: Drover's single-event rate as a percentage of a baseline's, in this run
  awk -v d="$(num req_per_s "$(result "drover-track-$1")")" -v b="$(num req_per_s "$(result "${2:-bare}-track-$1")")" \
    'BEGIN { printf "%.1f", (b > 0 ? 100 * d / b : 0) }'
}
cpu_per_request() {  # cpu_per_request NAME: the server's CPU per answered request, in microseconds
  awk -v c="$(num cpu_server "$(cat "$OUT/$1.cpu")")" -v r="$(num req_per_s "$(result "$1")")" \
    'BEGIN { printf "%.0f", (r > 0 ? c * 1e6 / r : 0) }'
}
BATCH_EPS=$(num events_per_s "$R_BATCH")
BATCH_FAILED=$(( $(num failed_status "$R_BATCH") + $(num socket_errors "$R_BATCH") ))
pass() { awk "BEGIN { exit !($1) }" && echo reached || echo "NOT reached"; }
{
  echo "## Drover ingestion benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Users: $POPULATION."
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB;" \
       "$(java -version 2>&1 | head -1); -Xmx$HEAP for both servers; ${DURATION}s per run after ${WARMUP}s warm-up (open loop: ${OPEN_WARMUP}s);" \
       "the load generators share the same cores."
  echo
  echo "| server | load | req/s | events/s | p50 ms | p99 ms | p99.9 ms | failed | max heap after GC | CPU cores: server / generator / irq / other processes |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for c in $CONNECTION_COUNTS; do
    row "bare Camel route" "POST /v1/track, closed loop, $c conn" "$(result "bare-track-$c")" "" "bare-track-$c"
    row "Drover" "POST /v1/track, closed loop, $c conn" "$(result "drover-track-$c")" "${GC_TRACK[$c]}" "drover-track-$c"
    [[ $DURABLE == 1 ]] && row "durable bare route" "POST /v1/track, closed loop, $c conn" "$(result "durable-track-$c")" "" "durable-track-$c"
  done
  row "Drover" "POST /v1/batch x$BATCH_SIZE, closed loop, $BATCH_CONNECTIONS conn" "$R_BATCH" "$GC_BATCH" drover-batch
  [[ $DURABLE == 1 ]] && row "durable bare route" "POST /v1/batch x$BATCH_SIZE, closed loop, $BATCH_CONNECTIONS conn" "$(result durable-batch)" "" durable-batch
  for rate in $RATES; do
    row "Drover" "POST /v1/track, open loop at $rate/s, $OPEN_CONNECTIONS conn, latency from intended send" \
      "$(result "drover-open-$rate")" "${GC_OPEN[$rate]}" "drover-open-$rate"
  done
  echo
  echo "The open-loop req/s is answers per second over the measured window: below the target rate when Drover falls behind."
  for rate in $RATES; do
    r=$(result "drover-open-$rate")
    echo "Open loop at $rate/s, service time (from the actual send, hiding the queueing): p50 $(num svc_p50_ms "$r") ms," \
         "p99 $(num svc_p99_ms "$r") ms, p99.9 $(num svc_p999_ms "$r") ms; max from intended send $(num max_ms "$r") ms."
  done
  echo
  echo "GC (Drover): single events at $CONNECTIONS connections [${GC_TRACK[$CONNECTIONS]}]; batches [$GC_BATCH]; open loop at $RATE/s [${GC_OPEN[$RATE]}]."
  echo "Max heap after GC: the heap in use right after each GC pause of the run (gc log). Young pauses leave old-generation"
  echo "garbage in place, so this is an upper bound of the live set. The live set itself: Drover's heap in use after a"
  echo "full GC once the load stopped: $((${LIVE_KB:-0} / 1024)) MB (jcmd GC.heap_info)."
  echo
  echo "Goals:"
  for c in $CONNECTION_COUNTS; do
    echo "1. single events at $c connections, Drover / bare route: $(ratio "$c") % (goal >= 50 %): $(pass "$(ratio "$c") >= 50");" \
         "Drover's CPU per request $(cpu_per_request "drover-track-$c") µs (goal < 50 µs): $(pass "$(cpu_per_request "drover-track-$c") < 50")" \
         "(the bare route's: $(cpu_per_request "bare-track-$c") µs)"
  done
  echo "2. batches of $BATCH_SIZE: $BATCH_EPS events/s accepted (goal 100000): $(pass "$BATCH_EPS >= 100000")"
  if [[ $DURABLE == 1 ]]; then
    echo
    echo "Against the durable bare route (the same HTTP server writing each event to its own embedded broker with"
    echo "Drover's producer settings before it answers, and nothing else), measured in this run:"
    for c in $CONNECTION_COUNTS; do
      echo "- single events at $c connections: Drover / durable bare route $(ratio "$c" durable) %;" \
           "CPU per request: Drover $(cpu_per_request "drover-track-$c") µs, durable bare route $(cpu_per_request "durable-track-$c") µs"
    done
    echo "- batches of $BATCH_SIZE: Drover $BATCH_EPS events/s, durable bare route $(num events_per_s "$(result durable-batch)") events/s" \
         "($(awk -v d="$BATCH_EPS" -v b="$(num events_per_s "$(result durable-batch)")" 'BEGIN { printf "%.1f", (b > 0 ? 100 * d / b : 0) }') %)"
    echo
  fi
  echo "3. heap: live set after a full GC $((${LIVE_KB:-0} / 1024)) MB (goal < 256 MB): $(pass "${LIVE_KB:-0} < 256 * 1024");" \
       "-Xmx$HEAP, at most $(num heap_after_gc_max_mb "$GC_BATCH") MB after GC under batch load, $BATCH_FAILED failed requests"
  echo "4. open loop at $RATE/s: p99 $(num p99_ms "$R_OPEN") ms from intended send (goal < 20 ms): $(pass "$(num p99_ms "$R_OPEN") < 20")"
  echo
  echo "Drover's CPU by thread (cores; from /proc, digits folded to N), single events closed loop:"
  echo '```'
  head -12 "$OUT/drover-track-$CONNECTIONS.threads"
  echo '```'
  echo "... and batches:"
  echo '```'
  head -12 "$OUT/drover-batch.threads"
  echo '```'
  if [[ $PROFILE == 1 ]]; then
    echo
    echo "Profile of Drover under single events (JFR; whole summary in $OUT/drover-track-profile.txt):"
    echo '```'
    head -45 "$OUT/drover-track-profile.txt"
    echo '```'
  fi
} | tee "$OUT/results.md"
log "done; logs, GC log, JFR recording and results.md in $OUT"
