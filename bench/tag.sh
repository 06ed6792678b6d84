#!/usr/bin/env bash
# What drover.js adds to a page's load, measured in headless Chromium (docs/tag.md): starts a test Drover in the JVM
# (embedded Kafka, free ports, fresh temporary data directory) and a test shop page on 127.0.0.1, loads the page with
# and without the tag, alternately, TAG_RUNS times each (default 9), and prints medians as a Markdown table.
# Needs Debian's chromium and chromium-driver. Only 127.0.0.1 is ever sent traffic.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B test-compile
if [[ ! -f target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
  ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
fi
java -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.drover.tag.TagPageLoad "${TAG_RUNS:-9}" \
  2> target/tag-page-load.log | grep -v '^[0-9:. ]*\(INFO\|WARN\|DEBUG\)'
