#!/usr/bin/env bash
# Per-event transform cost of each vendor's request bean (JMH, average time, µs per event) on the shared golden
# events; see docs/benchmarks.md, "Vendor transforms (JMH)".
#   bench/transforms.sh                 # every vendor of src/test/java/io/drover/bench/VendorBeans.java
#   bench/transforms.sh braze webhook   # only these
# 6 warm-up and 5 measured iterations of 2 s, one fork: about 25 s per vendor after the build (fewer warm-up
# seconds leave the JIT still compiling the hashing paths: the first runs of this script showed it). The machine is shared:
# the figures are indicative, compare runs made one after the other.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

if [ $# -gt 0 ]; then
  vendors=$(IFS=,; echo "$*")
else
  vendors=$(java -cp "$CP" io.drover.bench.VendorBeans)
fi

java -cp "$CP" org.openjdk.jmh.Main 'io.drover.bench.TransformBenchmark' \
  -p vendor="$vendors" -wi 6 -w 2s -i 5 -r 2s -f 1 -bm avgt -tu us \
  -rf text -rff target/jmh-transforms.txt
echo
echo "Score = µs per event (one op = one event of a 100-event batch); table also in target/jmh-transforms.txt"
