#!/usr/bin/env bash
# The identity store at internet scale (docs/benchmarks.md, "Identity store at 10 million users"): builds a store of
# --users visitors once into a directory (bulk write, then a full compaction), reopens it, and looks users up as
# ingestion does, Zipf-distributed, on one thread; prints build time, disk size, open time, heap live set and lookup
# latency percentiles (HdrHistogram). The store is kept between runs (delete the directory to build it again).
#   bench/identity.sh                                    # 10,000,000 users, 30% known, Zipf 1.1
#   bench/identity.sh --users 1000000 --zipf 0.9 --known 0.5 --seconds 20
# Options: --users N --known SHARE --zipf EXPONENT --new SHARE (events from never-seen visitors) --cache-mb MB
#          --warmup-seconds S --seconds S --dir DIR (default target/bench/identity-<users>)
# Environment: BENCH_HEAP (default 256m: the goal's live set must fit it).
set -euo pipefail
cd "$(dirname "$0")/.."

users=10000000
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = "--users" ]; then j=$((i + 1)); users=${!j}; fi
done
./mvnw -q -B -o test-compile
[ -f target/bench-classpath.txt ] && [ target/bench-classpath.txt -nt pom.xml ] \
  || ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
exec java -Xmx"${BENCH_HEAP:-256m}" -XX:+UseG1GC -cp "$CP" io.drover.bench.IdentityLookups \
  --dir "target/bench/identity-$users" "$@"
