#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The simulator's side of the firmware diff, checked: `smcsim converse`
(tests/conformance/conf_converse.c on the simulator configured like the
firmware) must print exactly tests/tools/converse-qemu_v8.txt, with the
preset map and with the firmware's map file alike. tools/dev firmware diffs
the BL33 image's mode=converse against this same command, so a change of
the simulator, the driver or the decoder shows here first. When a change
is meant, regenerate with
    test_converse_text.py --update tests/tools/converse-qemu_v8.txt \\
        tools/converse-diff.py cross/qemu_v8.map build/tools/smcsim
and read the diff in review (and boot the firmware: tools/dev firmware).
Also checked: only the normal world's kinds appear (no secure-thread
column, no secure-world event), and tools/converse-diff.py ignores where
each side's page allocator put its pages but nothing else.
Usage: test_converse_text.py [--update] GOLDEN DIFF_SCRIPT MAP CMD..."""

import os
import re
import subprocess
import sys
import tempfile

args = sys.argv[1:]
update = bool(args) and args[0] == "--update"
if update:
    args = args[1:]
if len(args) < 4:
    sys.exit(__doc__)
golden, diff_script, map_file, cmd = args[0], args[1], args[2], args[3:]


def converse(*extra):
    p = subprocess.run(cmd + ["converse"] + list(extra), capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        sys.exit("smcsim converse %s: exit %d\n%s%s" %
                 (" ".join(extra), p.returncode, p.stdout, p.stderr))
    return p.stdout


out = converse()
if update:
    with open(golden, "w") as f:
        f.write(out)
    print("wrote %s (%d lines)" % (golden, out.count("\n")))
    sys.exit(0)
with open(golden) as f:
    want = f.read()
failures = []


def diff(a_text, b_text):
    """tools/converse-diff.py on two texts: (status, output)."""
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a"), os.path.join(d, "b")
        with open(a, "w") as f:
            f.write(a_text)
        with open(b, "w") as f:
            f.write(b_text)
        p = subprocess.run([sys.executable, diff_script, a, b],
                           capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout


if out != want:
    st, d = diff(want, out)
    failures.append("smcsim converse changed (golden first):\n" + d)
if converse("--map", map_file) != out:
    failures.append("--map %s printed another conversation than the "
                    "preset" % map_file)

# The normal world's kinds only: no secure thread, no secure-world event.
for line in out.splitlines():
    if re.match(r"^\S+/\d+\s+s\d+ ", line) or \
            re.search(r"> thread \d+ taken|RPC CMD|notification ", line):
        failures.append("a secure-world event: %r" % line)
        break
for need in ["-- conversation --", "-- end of conversation: ok --",
             "> call OPEN_SESSION uuid=7011a688-ddde-4053-a5a9-7b3c4ddf13b8",
             "> call OPEN_SESSION uuid=d96a5b40-c3e5-21e3-8794-1002a5d5c61b",
             "VALUE_OUT a=0x46 b=0x7", "-- remove --"]:
    if need not in out:
        failures.append("no %r in the conversation" % need)

# The diff: another page pool (every address moved) is the same
# conversation; another session id, or one page used where the other side
# used two, is not.
moved = re.sub(r"pa=0x([0-9a-f]+)",
               lambda m: "pa=0x%x" % (int(m.group(1), 16) + 0x2040c000
                                      if int(m.group(1), 16) else 0), out)
if moved == out:
    failures.append("no physical address in the conversation")
st, d = diff(moved, out)
if st != 0 or "identical" not in d:
    failures.append("converse-diff: moved pages made a difference:\n" + d)
st, d = diff(out.replace("session=2", "session=3", 1), out)
if st == 0:
    failures.append("converse-diff: another session id passed:\n" + d)
pas = re.findall(r"pa=0x[1-9a-f][0-9a-f]*", out)
merged = out.replace(pas[1], pas[0]) if len(pas) > 1 and pas[0] != pas[1] \
    else out
st, d = diff(merged, out)
if merged == out or st == 0:
    failures.append("converse-diff: two pages made one passed")
st, d = diff(out.replace("-- end of conversation: ok --",
                         "-- end of conversation: failed --"), out)
if st == 0:
    failures.append("converse-diff: a failed run passed")
if failures:
    sys.exit("\n".join(failures))
print("converse text: %d lines as %s; the diff renames pages and nothing "
      "else" % (out.count("\n"), golden))
