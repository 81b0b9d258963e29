#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Diff a firmware run's conversation against a simulator run's.

  converse-diff.py [--side-by-side WIDTH] FIRMWARE_OUT SIM_OUT

FIRMWARE_OUT is what the BL33 image printed with mode=converse, SIM_OUT
what `smcsim converse` printed: each holds one conversation
(tests/conformance/conf_converse.c) between "-- conversation --" and
"-- end of conversation: ok|failed --"; anything around it is ignored.

One normalisation, because it belongs to neither ABI: a physical address
(`pa=0x...`, not 0) is renamed `pa=<page N>`, N counting the distinct
addresses of that side in order of first appearance. The pages come from
each side's own page allocator: the image's pool lies in its .bss, the
simulator's at the base of its DRAM, so the same page has another address
on each side. The renaming keeps what the diff should check: which page
the driver hands over where, and when it hands the same one again.
Everything else (thread names, cookies, session ids, the build id,
results) must match byte for byte.

Prints a unified diff (or, with --side-by-side, both columns WIDTH wide in
all, runs of spaces squeezed, with '|' on the lines that differ) and one
summary line. Exit status 0 when both runs
went through and their conversations are the same, else 1 (2: usage).
"""
import difflib
import re
import sys

BEGIN = "-- conversation --"
END_RE = re.compile(r"^-- end of conversation: (ok|failed) --$")
PA_RE = re.compile(r"\bpa=0x([0-9a-f]+)")


def conversation(path):
    """The lines from the begin marker to the end marker, and how it ended."""
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        return [], "unreadable: %s" % e
    try:
        start = lines.index(BEGIN)
    except ValueError:
        return [], "no conversation"
    for i in range(start + 1, len(lines)):
        m = END_RE.match(lines[i])
        if m:
            return lines[start:i + 1], m.group(1)
    return lines[start:], "no end (the run stopped)"


def normalise(lines):
    """pa=0x... (not 0) renamed by first appearance; the count renamed."""
    names = {}

    def page(m):
        v = int(m.group(1), 16)
        if v == 0:
            return m.group(0)
        if v not in names:
            names[v] = len(names) + 1
        return "pa=<page %d>" % names[v]

    return [PA_RE.sub(page, l) for l in lines], len(names)


def side_by_side(a, b, width):
    # Narrow columns: runs of spaces (the thread column's padding) as one.
    a = [re.sub(r"  +", " ", l) for l in a]
    b = [re.sub(r"  +", " ", l) for l in b]
    col = (width - 3) // 2
    out = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            l = left[k] if k < len(left) else ""
            r = right[k] if k < len(right) else ""
            mark = " " if op == "equal" else "|"
            out.append("%-*.*s %s %.*s" % (col, col, l, mark, col, r))
    return out


def main(argv):
    width = 0
    if argv[:1] == ["--side-by-side"] and len(argv) >= 2:
        width = int(argv[1])
        argv = argv[2:]
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    fw, fw_end = conversation(argv[0])
    sim, sim_end = conversation(argv[1])
    fw, fw_pages = normalise(fw)
    sim, sim_pages = normalise(sim)
    if width:
        print("\n".join(side_by_side(fw, sim, width)))
    else:
        sys.stdout.writelines(difflib.unified_diff(
            [l + "\n" for l in fw], [l + "\n" for l in sim],
            "firmware (%s)" % argv[0], "simulator (%s)" % argv[1], n=2))
    same = fw == sim
    ok = fw_end == "ok" and sim_end == "ok"
    print("conversation: %s; firmware %s, simulator %s; %d lines, %d/%d "
          "physical pages renamed" %
          ("identical" if same else "DIFFERENT", fw_end, sim_end, len(fw),
           fw_pages, sim_pages))
    return 0 if same and ok and fw else 1


sys.exit(main(sys.argv[1:]))
