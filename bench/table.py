"""Prints the comparison table from bench/run.sh's outputs (argv: dir, sizes...)."""
import json
import math
import sys

out, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
ours = json.load(open(f"{out}/ours.json"))
figs = ours["figures"]


def o(key, n=None):
    for f in figs:
        if f["key"] == key and f.get("n") == n:
            return f["ns_per_op"]
    return None


def k(n, key, overlay=False):
    path = f"{out}/kernel-{n}{'-overlay' if overlay else ''}.txt"
    try:
        for line in open(path):
            parts = line.split()
            if len(parts) == 2 and parts[0] == key:
                return float(parts[1])
    except FileNotFoundError:
        pass
    return None


def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def rate(ns):
    if ns is None:
        return "n/a"
    r = 1e9 / ns
    return f"{r / 1e6:.2f} M/s" if r >= 1e6 else f"{r / 1e3:.1f} k/s"


def ratio(kernel, mine):
    if kernel is None or mine is None:
        return "n/a"
    return f"{kernel / mine:.1f}×"


def print_rows(rows):
    w = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)))


# What a user waits for first: the whole CLI, spawn to exit, beside the
# kernel's build of the same spec (mount(2) of every mount, no process
# start, no output).
whole_keys = ["whole_run", "whole_preview_tree", "whole_preview_json", "whole_preview_mounts",
              "whole_preview_mountinfo", "whole_preview_decisions", "whole_diff"]
whole_sizes = sorted({f["n"] for f in figs if f["key"] in whole_keys})
if whole_sizes:
    rows = [("whole process (spawn to exit)", "N", "mountlab", "kernel build", "speed-up")]
    for n in whole_sizes:
        kern = k(n, "build_ns")
        for key in whole_keys:
            mine = o(key, n)
            if mine is None:
                continue
            label = key.replace("whole_", "").replace("preview_", "preview --format ")
            rows.append((label, str(n), fmt_ns(mine), fmt_ns(kern), ratio(kern, mine)))
    print_rows(rows)
    for g in ours.get("whole_growth", []):
        print(f"{g['key']}: growth exponent N={g['from']} -> {g['to']} = {g['exponent']:.3f}")
    ks = [n for n in whole_sizes if k(n, "build_ns")]
    for a, b in zip(ks, ks[1:]):
        print(f"kernel build: growth exponent N={a} -> {b} = "
              f"{math.log(k(b, 'build_ns') / k(a, 'build_ns')) / math.log(b / a):.3f}")
    print()

rows = [("figure", "N", "mountlab", "kernel", "speed-up")]
for n in sizes:
    for ov, key in [(False, "build"), (True, "build_overlay")]:
        mine = o(key, n)
        kern = k(n, "build_ns", ov)
        mine_pm = mine / n if mine else None
        kern_pm = kern / n if kern else None
        rows.append((f"{key} per mount", str(n), fmt_ns(mine_pm), fmt_ns(kern_pm), ratio(kern_pm, mine_pm)))
for n in sorted({f["n"] for f in figs if f["key"] == "lookup"}):
    for cat, kk in [("lookup", "lookup_ns"), ("lookup_mount_points", "lookup_m_ns"),
                    ("lookup_deep_files", "lookup_d_ns"), ("lookup_missing", "lookup_x_ns")]:
        rows.append((f"{cat} (stat/s)", str(n), rate(o(cat, n)), rate(k(n, kk)), ratio(k(n, kk), o(cat, n))))
    rows.append(("mountinfo read", str(n), fmt_ns(o("mountinfo", n)), fmt_ns(k(n, "mountinfo_ns")),
                 ratio(k(n, "mountinfo_ns"), o("mountinfo", n))))
cn = 1000 if 1000 in sizes else sizes[-1]
for key, kk, ov in [("create_tmpfs", "create_tmpfs_ns", False), ("create_9p", "create_bind_ns", False),
                    ("create_overlay", "create_overlay_ns", True)]:
    rows.append((f"{key} (4 KiB files/s)", "-", rate(o(key)), rate(k(cn, kk, ov)), ratio(k(cn, kk, ov), o(key))))
rows.append(("readdir 1000 merged", "-", fmt_ns(o("readdir_overlay_1000")),
             fmt_ns(k(cn, "readdir_overlay_1000_ns")), ratio(k(cn, "readdir_overlay_1000_ns"), o("readdir_overlay_1000"))))
crosvm = 1e9 / 14000
for key in ["p9_walk_getattr_clunk", "p9_walk_getattr_clunk_nolog"]:
    rows.append((f"{key} (/s)", "-", rate(o(key)), "crosvm 14.0 k/s", ratio(crosvm, o(key))))

print_rows(rows)
for key in ["build", "build_overlay"]:
    a, b = o(key, 10000), o(key, 100000)
    if a and b:
        print(f"{key}: growth exponent N=10 000 -> 100 000 = {math.log(b / a) / math.log(10):.3f}")
