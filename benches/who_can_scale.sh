#!/usr/bin/env bash
# Whole-process figures for docs/performance.md (## Who can (issue 5)): for each tenant size,
# generate a synthetic tenant once (seed 1, the issue's proportions) and time one who-can run
# (load + index + query + JSON output) with /usr/bin/time -v, best of RUNS.
# Usage: benches/who_can_scale.sh [DIR] (default /tmp/azrbac-scale); needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=./target/release/azrbac
DIR=${1:-/tmp/azrbac-scale}
RUNS=${RUNS:-3}
SIZES=${SIZES:-"10000 30000 100000 300000 1000000"}
OP=Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action
mkdir -p "$DIR"
printf "%-10s %10s %10s %10s %10s %12s %s\n" assignments "file MB" "elapsed s" "user s" "sys s" "peak RSS MB" "load avg"
for n in $SIZES; do
  t="$DIR/t$n"
  [ -f "$t/assignments.json" ] || "$BIN" synth --seed 1 --assignments "$n" --out "$t" --force 2>/dev/null
  sub=$(grep -m1 -o '"/subscriptions/[^"/]*' "$t/management-groups.json" | tr -d '"')
  scope="$sub/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1/onlineEndpoints/ep-1"
  mb=$(du -m "$t/assignments.json" | cut -f1)
  best=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v "$BIN" who-can "$OP" --scope "$scope" --inventory "$t" --format json >/dev/null 2>/tmp/azrbac-time.txt
    e=$(grep "Elapsed" /tmp/azrbac-time.txt | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    u=$(grep "User time" /tmp/azrbac-time.txt | awk '{print $NF}')
    s=$(grep "System time" /tmp/azrbac-time.txt | awk '{print $NF}')
    m=$(grep "Maximum resident" /tmp/azrbac-time.txt | awk '{print int($NF/1024)}')
    if [ -z "$best" ] || awk "BEGIN{exit !($e < $(echo "$best" | cut -d' ' -f1))}"; then best="$e $u $s $m"; fi
  done
  read -r e u s m <<<"$best"
  printf "%-10s %10s %10s %10s %10s %12s %s\n" "$n" "$mb" "$e" "$u" "$s" "$m" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
