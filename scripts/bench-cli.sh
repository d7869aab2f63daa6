#!/usr/bin/env bash
# Wall time of one kuke command, median of 10 runs after one warm-up; the target for
# 'kuke get cells' against a running kukeond is a median of at most 0.6 s.
#
#   scripts/bench-cli.sh                       # kuke get cells (needs kukeond; --host/KUKEON_HOST as usual)
#   scripts/bench-cli.sh --host 127.0.0.1:1 version   # any other kuke arguments
#   RUNS=20 scripts/bench-cli.sh ...
#
# A failing command is still timed (that is how start-up is measured without a daemon), but the
# script says so, so a number is never mistaken for a successful 'get'.
set -u
here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kuke="$here/bin/kuke"
runs="${RUNS:-10}"
target_ms="${TARGET_MS:-600}"
if [ $# -eq 0 ]; then
  set -- get cells
fi

"$kuke" "$@" >/dev/null 2>&1
status=$?

# wall and CPU (user + sys) time of each run, in ms; on a shared machine the CPU time is the
# steadier figure, as it leaves out the time spent waiting for a core
times=()
cpus=()
TIMEFORMAT='%3R %3U %3S'
for _ in $(seq "$runs"); do
  read -r wall user sys < <({ time "$kuke" "$@" >/dev/null 2>&1; } 2>&1)
  times+=($(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }'))
  cpus+=($(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }'))
done

median() {
  local sorted n
  sorted=($(printf '%s\n' "$@" | sort -n))
  n=${#sorted[@]}
  if [ $((n % 2)) -eq 1 ]; then echo "${sorted[$((n / 2))]}"; else echo $(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 )); fi
}
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
median=$(median "${times[@]}")

echo "kuke $*"
echo "runs (ms): ${times[*]}"
echo "min ${sorted[0]} ms, median ${median} ms, max ${sorted[$((n - 1))]} ms (target median <= ${target_ms} ms)"
echo "cpu (user+sys, ms): ${cpus[*]}; median $(median "${cpus[@]}") ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
if [ "$status" -ne 0 ]; then
  echo "note: the command exits $status (e.g. no kukeond reachable); this measures start-up and failure, not a listing"
fi
if [ "$median" -gt "$target_ms" ]; then
  echo "over target"
  exit 1
fi
