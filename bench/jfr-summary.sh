#!/usr/bin/env bash
# Summarises the CPU samples of a JFR recording (JDK 17 has no `jfr view`): where the samples fall by thread, the
# hottest frames on top of the stack (self time), and the Drover methods most often anywhere on the stack.
# Usage: bench/jfr-summary.sh recording.jfr [top-N]
set -eu  # no pipefail: `head` closing a pipe early is fine here
JFR_FILE=$1
TOP=${2:-15}
SAMPLES=$(mktemp)
trap 'rm -f "$SAMPLES"' EXIT
jfr print --events jdk.ExecutionSample --stack-depth 64 "$JFR_FILE" > "$SAMPLES"

# One line per sample: thread<TAB>frame1<TAB>frame2... (frames without line numbers).
flatten() {
  awk '
    /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+/, "N", t) }
    /stackTrace = \[/ { inStack = 1; line = t; next }
    inStack && /^[ \t]*\]/ { inStack = 0; print line; next }
    inStack { f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f); if (f != "...") line = line "\t" f }
  ' "$SAMPLES"
}
TOTAL=$(flatten | wc -l)
echo "$TOTAL CPU samples (jdk.ExecutionSample)"
echo
echo "By thread (digits folded to N):"
flatten | cut -f1 | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$TOTAL" '{ c = $1; $1 = ""; printf "  %5.1f%% %s\n", 100 * c / t, $0 }'
echo
echo "Top frames (self):"
flatten | cut -f2 | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$TOTAL" '{ c = $1; $1 = ""; printf "  %5.1f%% %s\n", 100 * c / t, $0 }'
echo
echo "Drover methods anywhere on the stack (inclusive):"
flatten | awk -F'\t' '{ delete seen; for (i = 2; i <= NF; i++) if ($i ~ /^io\.drover\./ && !seen[$i]++) print $i }' \
  | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$TOTAL" '{ c = $1; $1 = ""; printf "  %5.1f%% %s\n", 100 * c / t, $0 }'
echo
echo "Top frames (self) by package, first three name parts:"
flatten | cut -f2 | awk '{ n = split($1, p, "."); k = p[1]; for (i = 2; i <= 3 && i < n - 1; i++) k = k "." p[i]; print k }' \
  | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$TOTAL" '{ printf "  %5.1f%% %s\n", 100 * $1 / t, $2 }'
