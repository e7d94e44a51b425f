#!/usr/bin/env bash
# Runs every fuzz target for N seconds each (default 600), one at a time, and
# prints executions per second and corpus size per target.
#
#   fuzz/run-all.sh            # 10 minutes per target
#   fuzz/run-all.sh 60         # a short pass
#   fuzz/run-all.sh 600 shell_run scenario_run   # only these targets
#
# Needs the nightly toolchain and cargo-fuzz. Runs under `nice -n 19` so it
# can share the machine. A crash stops that target; its input is saved under
# fuzz/artifacts/<target>/ and the summary says FOUND. Keep every find as a
# regression test in tests/regressions.rs (stable) before fixing it.
set -uo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(p9_frame_decode p9_frame_spans p9_server_session shell_parse shell_run scenario_run spec_lint)
fi

max_len() {
  case "$1" in
    scenario_run | spec_lint) echo 65536 ;;
    shell_run | p9_server_session) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

nice -n 19 cargo +nightly fuzz build -O >&2 || exit 1
bin="$(pwd)/target/$(rustc +nightly -vV | awk '/^host:/ {print $NF}')/release"

summary=()
status=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "seeds/$t" "artifacts/$t"
  log="artifacts/$t/last-run.log"
  echo "== $t: ${secs}s" >&2
  # The binary directly: `cargo fuzz run` would rebuild whenever the tree
  # changed since the build above.
  (cd "artifacts/$t" && nice -n 19 "$bin/$t" "../../corpus/$t" "../../seeds/$t" \
    -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=20 \
    -rss_limit_mb=2048 -print_final_stats=1) >"$log" 2>&1
  rc=$?
  execs=$(awk -F': *' '/stat::number_of_executed_units/ {print $NF}' "$log" | tail -1)
  rate=$(awk -F': *' '/stat::average_exec_per_sec/ {print $NF}' "$log" | tail -1)
  corpus=$(find "corpus/$t" -type f | wc -l)
  if [ $rc -eq 0 ]; then
    verdict=ok
  else
    verdict="FOUND (exit $rc, see $log and artifacts/$t/)"
    status=1
  fi
  summary+=("$(printf '%-18s %8ss %12s execs %8s execs/s %7s corpus  %s' "$t" "$secs" "${execs:-?}" "${rate:-?}" "$corpus" "$verdict")")
done
echo
printf '%-18s %9s %18s %16s %14s  %s\n' target time executions rate corpus result
for l in "${summary[@]}"; do echo "$l"; done
exit $status
