#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tools/test-count.py --tap, which counts the firmware stage's runs (the
BL33 image's TAP and exit status): a clean run counts its results; a run
whose plan is missing or not met, or whose status is not its "not ok"
count (an exception, a timeout), counts one failure more; a run without
TAP counts one by its status. Usage: test_test_count_tap.py TEST_COUNT"""

import os
import subprocess
import sys
import tempfile

script = sys.argv[1]
failures = []
tmp = tempfile.mkdtemp()


def out(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(case, pairs, want):
    args = [sys.executable, script, "--tap", "firmware"]
    for path, status in pairs:
        args += [path, str(status)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    got = p.stdout.strip()
    if p.returncode != 0 or got != "firmware " + want:
        failures.append("%s: got %r (exit %d), want %r" %
                        (case, got, p.returncode, "firmware " + want))


tap2 = out("two.tap", "# probe\nTAP version 13\n1..3\nok 1 - a\n"
           "not ok 2 - b\n# why\nok 3 - c # SKIP no secure range\n")
run("clean run", [(tap2, 1)], "1 1 1")
run("exception: status is not the failure count", [(tap2, 203)], "1 2 1")
run("timeout", [(tap2, 124)], "1 2 1")
cut = out("cut.tap", "TAP version 13\n1..4\nok 1 - a\nok 2 - b\n")
run("plan not met (the run stopped)", [(cut, 0)], "2 1 0")
noplan = out("noplan.tap", "ok 1 - a\n")
run("no plan", [(noplan, 0)], "1 1 0")
said = out("no-optee.out", "# no OP-TEE: smc is UNDEFINED at EL1\n")
run("a run without TAP, status 0", [(said, 0)], "1 0 0")
run("a run without TAP, status 1", [(said, 1)], "0 1 0")
run("no output at all", [(os.path.join(tmp, "missing"), 0)], "1 0 0")
run("several runs add up", [(tap2, 1), (said, 0), (said, 1)], "2 2 1")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("test-count --tap: all cases pass")
