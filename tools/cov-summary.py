#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Coverage per folder from gcovr's JSON report (`tools/dev coverage`).

  cov-summary.py COVERAGE.json [N]

Prints line and branch coverage of every folder (with its subfolders),
then the weakest of the top-level folders (lib/, sim/secure_world/,
sim/normal_world/, include/) in lines and, if another, in branches: its N
(8) least-covered files and, in each, the functions that never ran.
"""
import json
import os
import sys

TOP = ["lib", "sim/secure_world", "sim/normal_world", "include"]


def pct(c, t):
    return 100.0 * c / t if t else 100.0


def file_counts(f):
    """lines (covered, total), branches (covered, total), unrun functions"""
    lc = lt = bc = bt = 0
    for ln in f.get("lines", []):
        if ln.get("gcovr/noncode") or ln.get("gcovr/excluded"):
            continue
        lt += 1
        lc += ln.get("count", 0) > 0
        for b in ln.get("branches", []):
            bt += 1
            bc += b.get("count", 0) > 0
    unrun = [(fn.get("lineno", 0), fn["name"]) for fn in f.get("functions", [])
             if not fn.get("execution_count")]
    return lc, lt, bc, bt, sorted(unrun)


def weakest(files, dirs, worst, metric, nworst):
    lc, lt, bc, bt, _ = dirs[worst]
    print(f"\nweakest in {metric}: {worst}/ ({pct(lc, lt):.1f}% of lines, "
          f"{pct(bc, bt):.1f}% of branches); its least-covered files:")
    mine = [(p, c) for p, c in files.items() if p.startswith(worst + "/")]
    if metric == "lines":
        mine.sort(key=lambda pc: (pct(pc[1][0], pc[1][1]), pc[1][0] - pc[1][1]))
    else:
        mine.sort(key=lambda pc: (pct(pc[1][2], pc[1][3]), pc[1][2] - pc[1][3]))
    for path, (lc, lt, bc, bt, unrun) in mine[:nworst]:
        print(f"  {path}: lines {pct(lc, lt):.1f}% ({lt - lc} not run), "
              f"branches {pct(bc, bt):.1f}% ({bt - bc} not taken)")
        if unrun:
            names = ", ".join(f"{n} (:{l})" for l, n in unrun[:12])
            more = f" and {len(unrun) - 12} more" if len(unrun) > 12 else ""
            print(f"    never called: {names}{more}")


def main():
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    nworst = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    with open(sys.argv[1]) as fh:
        data = json.load(fh)
    files = {}
    for f in data["files"]:
        files[os.path.normpath(f["file"])] = file_counts(f)

    dirs = {}
    for path, (lc, lt, bc, bt, _) in files.items():
        d = os.path.dirname(path)
        while d:
            a = dirs.setdefault(d, [0, 0, 0, 0, 0])
            a[0] += lc; a[1] += lt; a[2] += bc; a[3] += bt; a[4] += 1
            d = os.path.dirname(d)
    tl = [sum(v[i] for v in files.values()) for i in range(4)]

    print(f"{'folder':28} {'lines':>20} {'branches':>20} files")
    for d in sorted(dirs):
        lc, lt, bc, bt, n = dirs[d]
        name = "  " * d.count("/") + d + "/"
        print(f"{name:28} {pct(lc, lt):5.1f}% {lc:6}/{lt:<6} "
              f"{pct(bc, bt):5.1f}% {bc:6}/{bt:<6} {n}")
    print(f"{'total':28} {pct(tl[0], tl[1]):5.1f}% {tl[0]:6}/{tl[1]:<6} "
          f"{pct(tl[2], tl[3]):5.1f}% {tl[2]:6}/{tl[3]:<6} {len(files)}")

    tops = [d for d in TOP if d in dirs]
    if not tops:
        return 0
    by_line = min(tops, key=lambda d: pct(dirs[d][0], dirs[d][1]))
    by_branch = min(tops, key=lambda d: pct(dirs[d][2], dirs[d][3]))
    weakest(files, dirs, by_line, "lines", nworst)
    if by_branch != by_line:
        weakest(files, dirs, by_branch, "branches", nworst)
    return 0


sys.exit(main())
