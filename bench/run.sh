#!/usr/bin/env bash
# Runs mountlab's benchmark suite and the kernel comparison on this machine
# and prints one table with medians and ratios.
#
#   bash bench/run.sh [--quick]
#
# Needs root (mount(2) inside `unshare -m`), gcc and python3. Everything the
# kernel helper mounts is below a fresh /tmp/mountlab-kbench.* directory in a
# private mount namespace, and is unmounted again before it exits.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BENCH_OUT:-target/bench}
mkdir -p "$out"
quick=0
[[ ${1:-} == --quick ]] && quick=1

start_load=$(cut -d' ' -f1-3 /proc/loadavg)
cargo build --release --quiet --bin mountlab
gcc -O2 -Wall -Wextra -Wno-format-truncation -o "$out/mountbench" bench/kernel/mountbench.c

if ((quick)); then
  sizes=(10 100 1000)
  whole=(1000 5000)
  ours_args=(--sizes 10,100,1000 --table-sizes 1000 --samples 3 --whole-sizes 1000,5000)
  kargs=(--samples 3 --min-ms 100 --repeat 3)
else
  sizes=(10 100 1000 10000 100000)
  # The whole-process figures (`mountlab run` / `preview`, spawn to exit)
  # and, beside them, the kernel's build of the same spec.
  whole=(1000 5000 10000 50000 100000)
  ours_args=()
  kargs=(--samples 7 --min-ms 300 --repeat 5)
fi

max=$(cat /proc/sys/fs/mount-max 2>/dev/null || echo 100000)
for n in "${sizes[@]}"; do
  ./target/release/mountlab bench --emit-kernel-spec "$n" > "$out/spec-$n.txt"
  # Overlay mode makes a tmpfs per overlay too: about 1.4 mounts per spec
  # mount. Skip sizes the kernel's fs.mount-max would refuse.
  if (( n * 3 / 2 + 200 > max )); then
    echo "kernel: N=$n skipped (fs.mount-max is $max)" > "$out/kernel-$n.txt"
    echo "kernel: N=$n skipped (fs.mount-max is $max)" > "$out/kernel-$n-overlay.txt"
    continue
  fi
  r=${kargs[*]}
  ((n >= 10000)) && r="--samples 3 --min-ms 300 --repeat 3"
  echo "kernel: N=$n" >&2
  # shellcheck disable=SC2086
  unshare -m --propagation private "$out/mountbench" "$out/spec-$n.txt" $r > "$out/kernel-$n.txt"
  # shellcheck disable=SC2086
  unshare -m --propagation private "$out/mountbench" "$out/spec-$n.txt" --overlay $r > "$out/kernel-$n-overlay.txt"
done
# The whole-process sizes the suite has no build figure for: the kernel's
# plain build only (what the whole-process rows compare against).
for n in "${whole[@]}"; do
  [[ " ${sizes[*]} " == *" $n "* ]] && continue
  ./target/release/mountlab bench --emit-kernel-spec "$n" > "$out/spec-$n.txt"
  if (( n + 200 > max )); then
    echo "kernel: N=$n skipped (fs.mount-max is $max)" > "$out/kernel-$n.txt"
    continue
  fi
  echo "kernel: N=$n (plain build)" >&2
  unshare -m --propagation private "$out/mountbench" "$out/spec-$n.txt" --samples 3 --min-ms 100 --repeat 3 > "$out/kernel-$n.txt"
done
# Nothing may be left mounted.
if grep -q mountlab-kbench /proc/self/mountinfo; then
  echo "error: kernel helper left mounts behind" >&2
  exit 1
fi

echo "mountlab: native suite" >&2
./target/release/mountlab bench --json "${ours_args[@]}" > "$out/ours.json"

echo "load average: $start_load at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 bench/table.py "$out" "${sizes[@]}"
