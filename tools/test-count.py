#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Count test results for tools/dev.

  test-count.py TESTLOG.json LABEL   -> one line "LABEL passed failed skipped"
  test-count.py --tap LABEL OUT STATUS [OUT STATUS...]
                                      -> the same line, from runs outside Meson
  test-count.py --sum COUNTS...       -> "N passed, N failed[, N skipped]"

From Meson's testlog.json: a test whose output has TAP lines (CMocka with
CMOCKA_MESSAGE_OUTPUT=TAP) counts each "ok" / "not ok" line; a test that
failed without a "not ok" line (a crash, a timeout) counts one failure more;
other tests count one each by their result.

With --tap, each OUT is the output of one run and STATUS its exit status
(the firmware stage: the BL33 image's TAP on semihosting, its exit status
the failure count). A run with TAP lines counts them, and one failure more
when its plan ("1..N") is missing or not met, or its status is not its
number of "not ok" lines (a crash, an exception, a timeout); a run without
TAP lines counts one, passed if its status is 0.
"""
import json
import re
import sys

OK = {"OK", "EXPECTEDFAIL"}
SKIP = {"SKIP"}

OK_RE = r"^ok \d+(?!.*# SKIP)"
BAD_RE = r"^not ok \d+(?!.*# SKIP)"
SKIP_RE = r"^(?:not )?ok \d+.*# SKIP"

def count_tap(pairs):
    passed = failed = skipped = 0
    for path, status in pairs:
        try:
            with open(path, errors="replace") as f:
                out = f.read()
        except OSError:
            out = ""
        status = int(status)
        ok = len(re.findall(OK_RE, out, re.M))
        bad = len(re.findall(BAD_RE, out, re.M))
        skip = len(re.findall(SKIP_RE, out, re.M))
        if not (ok or bad or skip):
            if status == 0:
                passed += 1
            else:
                failed += 1
            continue
        plan = re.search(r"^1\.\.(\d+)", out, re.M)
        passed += ok
        failed += bad
        skipped += skip
        if not plan or int(plan.group(1)) != ok + bad + skip or \
                status != min(bad, 255):
            failed += 1
    return passed, failed, skipped

def count(path):
    passed = failed = skipped = 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            t = json.loads(line)
            out = t.get("stdout") or ""
            # CMocka's skip() prints "not ok N # SKIP": a skip, not a failure.
            skip = len(re.findall(r"^(?:not )?ok \d+.*# SKIP", out, re.M))
            ok = len(re.findall(r"^ok \d+(?!.*# SKIP)", out, re.M))
            bad = len(re.findall(r"^not ok \d+(?!.*# SKIP)", out, re.M))
            res = t.get("result", "")
            if ok or bad or skip:
                passed += ok
                failed += bad
                skipped += skip
                if res not in OK and not bad:
                    failed += 1
            elif res in OK:
                passed += 1
            elif res in SKIP:
                skipped += 1
            else:
                failed += 1
    return passed, failed, skipped

def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--sum":
        p = f = s = 0
        for path in sys.argv[2:]:
            try:
                with open(path) as fh:
                    _, a, b, c = fh.read().split()
            except (OSError, ValueError):
                f += 1  # a stage that produced no counts failed
                continue
            p, f, s = p + int(a), f + int(b), s + int(c)
        line = f"{p} passed, {f} failed"
        if s:
            line += f", {s} skipped"
        print(line)
        return 0 if f == 0 and p > 0 else 1
    if len(sys.argv) >= 3 and sys.argv[1] == "--tap":
        args = sys.argv[3:]
        p, f, s = count_tap(zip(args[0::2], args[1::2]))
        print(f"{sys.argv[2]} {p} {f} {s}")
        return 0
    p, f, s = count(sys.argv[1])
    print(f"{sys.argv[2]} {p} {f} {s}")
    return 0

sys.exit(main())
