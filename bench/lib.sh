# Shell helpers shared by the benchmark scripts (sourced; they expect $OUT to be set).

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Stops what this script started, by pid: TERM first (Drover drains and stops its broker), KILL after 30 s.
stop_pid() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  log "pid $pid did not stop in 30 s: killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# A free loopback port (no socket on it, not handed out before); the server's ownership is checked once it is up.
# Taken below Linux's ephemeral range (32768-60999): a port chosen there could meanwhile become the local end of one of
# the generator's own connections (a run once failed so: "Address already in use").
TAKEN=" "
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12000))
    if [[ $TAKEN != *" $p "* ]] && [[ -z $(ss -Htan "sport = :$p") ]]; then
      TAKEN+="$p "; printf -v "$1" '%s' "$p"; return 0
    fi
  done
  log "no free port found"; return 1
}
# True when the given pid is the one listening on the port (another engineer's server may hold a guessed port).
owns_port() { ss -Htlnp "sport = :$1" | grep -q "pid=$2,"; }

cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }                          # a process's CPU, in ticks

wait_ready() {  # wait_ready NAME PID PORT CHECK-COMMAND...
  local name=$1 pid=$2 port=$3; shift 3
  for _ in $(seq 240); do
    kill -0 "$pid" 2>/dev/null || { log "$name exited during start-up; see $OUT"; return 1; }
    if "$@" && owns_port "$port" "$pid"; then log "$name is ready"; return 0; fi
    sleep 0.5
  done
  log "$name was not ready after 120 s"; return 1
}

# Builds when the jar or a bench main is missing or older than any source, and sets CP to the bench class path
# (the mains under src/test are compiled by the same package). Usage: build_bench io/drover/bench/Main.class
build_bench() {
  if [[ ! -f target/drover.jar || ! -f target/test-classes/$1 \
        || -n $(find src routes pom.xml -newer target/drover.jar -print -quit) ]]; then
    log "building (mvnw package -DskipTests)"
    ./mvnw -q -B package -DskipTests
  fi
  if [[ ! -f target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
    ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
  fi
  CP="$ROOT/target/classes:$ROOT/target/test-classes:$(cat target/bench-classpath.txt)"
}

# Warns when something else already loads the machine (the figures would be lower than they should).
check_quiet() {
  log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
  if awk '{exit !($1 > 0.5)}' /proc/loadavg; then
    log "WARNING: the machine is already busy (load average above 0.5): other processes will lower the figures"
  fi
}

# The user population the load sends events for (src/test/java/io/drover/bench/UserPopulation.java, bench/ingest.lua),
# exported so that wrk's Lua and the Java generators draw from the same one, and POPULATION, its one-line description
# for the reports. BENCH_USERS=0: a fresh user per event and no pre-warmed store (the benchmarks' old behaviour).
population() {
  export BENCH_USERS=${BENCH_USERS:-10000000} BENCH_KNOWN=${BENCH_KNOWN:-0.3} BENCH_ZIPF=${BENCH_ZIPF:-1.1} BENCH_NEW=${BENCH_NEW:-0.05}
  if [[ $BENCH_USERS == 0 ]]; then
    POPULATION="a fresh user per event, identity store empty at start"
  else
    POPULATION=$(awk -v u="$BENCH_USERS" -v k="$BENCH_KNOWN" -v z="$BENCH_ZIPF" -v n="$BENCH_NEW" 'BEGIN {
      printf "%d users in the identity store at start (%d%% known by userId), events per user Zipf %s, %d%% from new visitors",
             u, k * 100, z, n * 100 }')
  fi
}
# The directory of the store that knows that population, built once by IdentityLookups (a bulk write, then a full
# compaction: ~2 min for 10 million users) and copied into each fresh Drover data directory by prewarm_identity.
identity_store_dir() { echo "$ROOT/target/bench/identity-${BENCH_USERS}u-${BENCH_KNOWN}k"; }
build_identity_store() {
  [[ $BENCH_USERS == 0 ]] && return 0
  local dir; dir=$(identity_store_dir)
  [[ -f $dir/CURRENT ]] && return 0
  log "building the identity store of $BENCH_USERS users in $dir (once; kept for the next runs)"
  java -Xmx256m -cp "$CP" io.drover.bench.IdentityLookups --dir "$dir" --build-only true >&2
}
prewarm_identity() {  # prewarm_identity DATA_DIR: Drover's identity store starts with the population in it
  [[ $BENCH_USERS == 0 ]] && return 0
  cp -r "$(identity_store_dir)" "$1/identity"
}
