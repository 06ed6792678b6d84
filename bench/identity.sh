#!/usr/bin/env bash
# The identity store at internet scale (docs/benchmarks.md, "Identity store at 10 million users"): builds a store of
# --users visitors once into a directory (bulk write, then a full compaction), reopens it, and looks users up as
# ingestion does, Zipf-distributed, on one thread; prints build time, disk size, open time, heap live set and lookup
# latency percentiles (HdrHistogram). The store is kept between runs (delete the directory to build it again).
#   bench/identity.sh                                    # 10,000,000 users, 30% known, Zipf 1.1
#   bench/identity.sh --users 1000000 --zipf 0.9 --known 0.5 --seconds 20
# Options: --users N --known SHARE --zipf EXPONENT --new SHARE (events from never-seen visitors) --cache-mb MB
#          --heap-entries N (hot entries decoded in the heap, as drover.identity.heap-entries; 0: none)
#          --warmup-seconds S --seconds S --dir DIR (default target/bench/identity-<users>u-<known>k, the store
#          bench/run.sh and bench/e2e.sh start Drover with)
#          --startup true: afterwards, start a whole Drover twice on that store (IdentityStartup) and time it
# Environment: BENCH_HEAP (default 256m: the goal's live set must fit it).
set -euo pipefail
cd "$(dirname "$0")/.."

users=${BENCH_USERS:-10000000}
known=${BENCH_KNOWN:-0.3}
startup=false
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --startup) startup=$2; shift 2 ;;
    --users) users=$2; args+=("$1" "$2"); shift 2 ;;
    --known) known=$2; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
./mvnw -q -B -o test-compile
[ -f target/bench-classpath.txt ] && [ target/bench-classpath.txt -nt pom.xml ] \
  || ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
java -Xmx"${BENCH_HEAP:-256m}" -XX:+UseG1GC -cp "$CP" io.drover.bench.IdentityLookups \
  --dir "target/bench/identity-${users}u-${known}k" "${args[@]}"
if [ "$startup" = true ]; then
  java -Xmx"${BENCH_HEAP:-256m}" -cp "$CP" io.drover.bench.IdentityStartup "target/bench/identity-${users}u-${known}k" 2>&1 \
    | grep -E "^start [0-9]|Identity store ready"
fi
