#!/usr/bin/env bash
# Whole-process timings of `ccmon test` on synthetic configs (docs/performance.md, "Running
# the generated rule tests"): for each size, the median and the minimum wall time of RUNS
# runs, the peak memory of ccmon and its promtools, and the shared groups and files written.
#
#   scripts/test-timings.sh                 # 10, 100, 500, 2000 and 10000 alerts, 3 runs
#   SIZES="500 2000" RUNS=5 scripts/test-timings.sh
#
# Needs promtool on the PATH. The configs are written to target/test-timings/.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${SIZES:-10 100 500 2000 10000}
runs=${RUNS:-3}
out=target/test-timings
mkdir -p "$out"
cargo build --release --quiet
cargo build --release --quiet --example synth

printf '%-7s %-6s %-10s %-10s %-8s %-7s %s\n' alerts cases median min files groups "peak RSS"
for n in $sizes; do
  config="$out/synth-$n.toml"
  target/release/examples/synth --jobs $(((n + 9) / 10)) --alerts "$n" >"$config"
  rm -rf "$out/render-$n"
  target/release/ccmon render "$config" --out "$out/render-$n" >/dev/null 2>&1
  files=$(ls "$out/render-$n/prometheus/tests" | wc -l)
  groups=$(cat "$out/render-$n"/prometheus/tests/*.yml | grep -c '^- name: ')
  times=()
  rss=0
  cases=0
  for _ in $(seq "$runs"); do
    # %e: wall seconds; %M: the largest resident set of the process and its children.
    /usr/bin/time -f '%e %M' -o "$out/time" target/release/ccmon test "$config" >"$out/log" 2>&1 || {
      tail -n 20 "$out/log"
      exit 1
    }
    read -r t m <"$out/time"
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
    cases=$(sed -n 's/.*rule tests: \([0-9]*\) cases.*/\1/p' "$out/log")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(printf '%s\n' "$sorted" | sed -n "$(((runs + 1) / 2))p")
  min=$(printf '%s\n' "$sorted" | head -n 1)
  printf '%-7s %-6s %-10s %-10s %-8s %-7s %s MiB\n' "$n" "$cases" "${median} s" "${min} s" \
    "$files" "$groups" $((rss / 1024))
done
