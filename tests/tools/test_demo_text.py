#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The demo's whole output, checked: `smcsim demo --seed 1` (the det
scheduler, so the same text on every run) must print exactly
tests/tools/demo-seed1.txt, the decoded trace of every SMC, message, RPC,
secure-thread state, queue wait, notification and interrupt. A change of
behaviour shows here as a diff; when the change is meant, regenerate with
    test_demo_text.py --update tests/tools/demo-seed1.txt build/tools/smcsim
and read the diff in review. The free-running demo (no seed) must print
the decoded forms too, in whatever order its threads ran.
Usage: test_demo_text.py [--update] GOLDEN CMD... (CMD: the smcsim binary,
after the emulator that runs it in a cross build)"""

import difflib
import subprocess
import sys

args = sys.argv[1:]
update = bool(args) and args[0] == "--update"
if update:
    args = args[1:]
if len(args) < 2:
    sys.exit(__doc__)
golden, cmd = args[0], args[1:]


def demo(*args):
    p = subprocess.run(cmd + ["demo"] + list(args), capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        sys.exit("smcsim demo %s: exit %d\n%s%s" %
                 (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p.stdout


out = demo("--seed", "1")
if update:
    with open(golden, "w") as f:
        f.write(out)
    print("wrote %s (%d lines)" % (golden, out.count("\n")))
    sys.exit(0)
with open(golden) as f:
    want = f.read()
failures = []
if out != want:
    diff = difflib.unified_diff(want.splitlines(True), out.splitlines(True),
                                golden, "smcsim demo --seed 1")
    failures.append("the demo's output changed:\n" + "".join(diff))

# A second run of the seed: the same bytes.
if demo("--seed", "1") != out:
    failures.append("two runs of --seed 1 printed different text")

# Free-running: the same decoded conversation, in some order.
free = demo()
for want_line in ["SMC CALL_WITH_REGD_ARG cookie=",
                  "> OPEN_SESSION uuid=534d4353-0001-4000-8000-736d6373696d "
                  "login=REE_KERNEL",
                  "< OPEN_SESSION -> ret=SUCCESS origin=TRUSTED_APP session=",
                  "> INVOKE session=1 func=0x0 params=[VALUE_IN a=0x28 b=0x2",
                  "> RPC CMD NOTIFICATION WAIT value=1",
                  "< call INVOKE -> ret=SUCCESS origin=TRUSTED_APP "
                  "params=[VALUE_IN, VALUE_OUT a=0x2a",
                  "> RPC CMD SUSPEND ms=10",
                  "* IRQ raised",
                  "> IRQ notification: top half",
                  "> thread 0 taken by main/0 for CALL_WITH_REGD_ARG",
                  "echo TA answered 42"]:
    if want_line not in free:
        failures.append("free-running demo: no %r in:\n%s" % (want_line, free))
if failures:
    sys.exit("\n".join(failures))
print("demo text: %d lines as %s; free-running run decoded" %
      (out.count("\n"), golden))
