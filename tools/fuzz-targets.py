#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""List the fuzz targets of a configured Meson build directory.

  fuzz-targets.py BUILDDIR          -> one target name a line
  fuzz-targets.py --paths BUILDDIR  -> one "name path-of-binary" a line

The one list of targets is `fuzz_targets` in fuzz/meson.build; this reads
what Meson made of it (BUILDDIR/meson-info/intro-targets.json, the data of
`meson introspect --targets`): every executable defined in fuzz/meson.build,
in the order of the list. tools/dev (fuzz, afl) and .clusterfuzzlite/build.sh
use it, so a target added to the list is picked up everywhere. Exits 1 when
the build directory has no fuzz target.
"""
import json
import os
import sys


def targets(builddir):
    path = os.path.join(builddir, "meson-info", "intro-targets.json")
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"fuzz-targets: {builddir} is no configured Meson build: {e}")
    out = []
    for t in data:
        where = os.path.normpath(t.get("defined_in", ""))
        if t.get("type") != "executable":
            continue
        if not where.endswith(os.path.join("fuzz", "meson.build")):
            continue
        out.append((t["name"], t["filename"][0]))
    return out


def main():
    args = sys.argv[1:]
    paths = bool(args) and args[0] == "--paths"
    if paths:
        args = args[1:]
    if len(args) != 1:
        sys.stderr.write(__doc__)
        return 2
    found = targets(args[0])
    for name, binary in found:
        print(f"{name} {binary}" if paths else name)
    return 0 if found else 1


sys.exit(main())
