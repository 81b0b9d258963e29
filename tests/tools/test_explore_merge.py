#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tools/explore-merge.py on canned shard logs (tests/tools/explore-merge/):
a whole set passes with the sums right; a failing shard, overlapping or
missing ranges, a shard that ended early and a bad --expect each fail with
their reason. Usage: test_explore_merge.py MERGE_SCRIPT LOG_DIR"""

import os
import subprocess
import sys

merge, logs = sys.argv[1], sys.argv[2]
failures = []


def run(case, args, code, want=(), unwanted=()):
    p = subprocess.run([sys.executable, merge] + args, capture_output=True,
                       text=True, timeout=60)
    out = p.stdout + p.stderr
    if p.returncode != code:
        failures.append("%s: exit %d, want %d:\n%s" %
                        (case, p.returncode, code, out))
        return
    for w in want:
        if w not in out:
            failures.append("%s: no %r in:\n%s" % (case, w, out))
    for u in unwanted:
        if u in out:
            failures.append("%s: %r in:\n%s" % (case, u, out))


def log(name):
    return os.path.join(logs, name)


run("good", ["--expect", "0:200", log("good-2.log"), log("good-1.log")], 0,
    want=["det/test_det_x wait_send sched=random seeds=0:200 shards=2 "
          "runs=200 failed=0 distinct<=81 steps=2100",
          "det/test_det_x timeout_against_send sched=pct:2:1000 seeds=0:200 "
          "shards=2 runs=200 failed=0 distinct<=42 steps=1020",
          "2 scenario(s), 4 shard summaries, 0 failed, 0 problem(s)"],
    unwanted=["FAILED", "in no shard", "overlap"])
run("good without --expect", [log("good-1.log"), log("good-2.log")], 0)
run("failed shard", ["--expect", "0:200", log("good-1.log"),
                     log("fail-2.log")], 1,
    want=["FAILED det/test_det_x wait_send sched=random seed 0x7b in",
          "replay: SMCSIM_SCENARIO=wait_send SMCSIM_SEED=0x7b SMCSIM_SCHED="
          "random SMCSIM_EXPECT_HASH=0x9472c7306679b9c4 meson test -C /b",
          "seeds=0:200 shards=2 runs=124 failed=1",
          "1 failed, 0 problem(s)"])
run("overlap", [log("good-1.log"), log("overlap-2.log")], 1,
    want=["wait_send random: seeds 0:100 (", ") overlap 50:150 (",
          "0 failed, 2 problem(s)"])
run("gap", [log("good-1.log"), log("gap-2.log")], 1,
    want=["wait_send random: seeds 100:50 are in no shard"])
run("short of --expect", ["--expect", "0:300", log("good-1.log"),
                          log("good-2.log")], 1,
    want=["seeds 200:100 are in no shard"])
run("past --expect", ["--expect", "0:150", log("good-1.log"),
                      log("good-2.log")], 1,
    want=["outside 0:150"])
run("ended early", [log("good-1.log"), log("deadlock-2.log")], 1,
    want=["deadlock-2.log: no summary of det/test_det_x "
          "timeout_against_send pct:2:1000"])
run("no summary", [log("good-1.log"), os.devnull], 1,
    want=["no shard summary line"])
run("bad --expect", ["--expect", "0:0", log("good-1.log")], 2)
run("missing log", [log("good-1.log"), log("nosuch.log")], 2)

for f in failures:
    print(f)
print("%d case(s) failed" % len(failures))
sys.exit(1 if failures else 0)
