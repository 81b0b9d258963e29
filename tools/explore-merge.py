#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Merge the logs of exploration shards (SMCSIM_SEEDS=START:COUNT).

Each exploration of a shard prints one summary line (lib/explore.c):

  smcsim explore: shard <test> <name> sched=<s> seeds=<start>:<count>
    runs=N failed=K distinct=D steps=S [fail_seed=0x.. fail_hash=0x..]

This sums runs, failures and steps per scenario (test, name, strategy),
checks that the shards' seed ranges neither overlap nor leave a gap (and,
with --expect START:COUNT, cover exactly that range), that every scenario
has a summary in every log (a shard ended by a deadlock report has not),
and prints the replay lines of every failure. Exit status: 0 if every shard held and the
ranges are whole, 1 otherwise, 2 for bad usage or an unreadable log.
"""

import argparse
import re
import sys

SUMMARY = re.compile(
    r"smcsim explore: shard (?P<test>\S+) (?P<name>\S+) sched=(?P<sched>\S+)"
    r" seeds=(?P<start>\d+):(?P<count>\d+) runs=(?P<runs>\d+)"
    r" failed=(?P<failed>\d+) distinct=(?P<distinct>\d+)"
    r" steps=(?P<steps>\d+)"
    r"(?: fail_seed=(?P<fail_seed>0x[0-9a-f]+)"
    r" fail_hash=(?P<fail_hash>0x[0-9a-f]+))?\s*$")
REPLAY = re.compile(r"smcsim (?:explore|det): replay: (?P<line>.*\S)")


def parse_range(text):
    m = re.fullmatch(r"(\d+|0x[0-9a-fA-F]+):(\d+|0x[0-9a-fA-F]+)", text)
    if not m or int(m.group(2), 0) == 0:
        raise argparse.ArgumentTypeError("not START:COUNT: %r" % text)
    return int(m.group(1), 0), int(m.group(2), 0)


def read_log(path, scenarios, problems):
    """Add the summaries of one log to @scenarios; Return: its lines."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        print("explore-merge: %s: %s" % (path, e.strerror), file=sys.stderr)
        sys.exit(2)
    found = 0
    for line in lines:
        m = SUMMARY.search(line)
        if not m:
            continue
        found += 1
        key = (m["test"], m["name"], m["sched"])
        scenarios.setdefault(key, []).append({
            "log": path,
            "start": int(m["start"]),
            "count": int(m["count"]),
            "runs": int(m["runs"]),
            "failed": int(m["failed"]),
            "distinct": int(m["distinct"]),
            "steps": int(m["steps"]),
            "fail_seed": m["fail_seed"],
        })
    if not found:
        problems.append("%s: no shard summary line (did the shard run, "
                        "with SMCSIM_SEEDS set?)" % path)
    return lines


def check_ranges(key, shards, expect, problems):
    """Overlaps and gaps among @shards' ranges, and against @expect."""
    name = " ".join(key)
    spans = sorted((s["start"], s["start"] + s["count"], s["log"])
                   for s in shards)
    for (a0, a1, alog), (b0, b1, blog) in zip(spans, spans[1:]):
        if b0 < a1:
            problems.append("%s: seeds %d:%d (%s) overlap %d:%d (%s)" %
                            (name, a0, a1 - a0, alog, b0, b1 - b0, blog))
        elif b0 > a1:
            problems.append("%s: seeds %d:%d are in no shard" %
                            (name, a1, b0 - a1))
    if expect:
        lo, hi = expect[0], expect[0] + expect[1]
        if spans[0][0] > lo:
            problems.append("%s: seeds %d:%d are in no shard" %
                            (name, lo, spans[0][0] - lo))
        end = max(s[1] for s in spans)
        if end < hi:
            problems.append("%s: seeds %d:%d are in no shard" %
                            (name, end, hi - end))
        if spans[0][0] < lo or end > hi:
            problems.append("%s: shards explore %d..%d, outside %d:%d" %
                            (name, spans[0][0], end - 1, lo, hi - lo))


def main():
    ap = argparse.ArgumentParser(
        description="Merge exploration shard logs (SMCSIM_SEEDS).")
    ap.add_argument("--expect", type=parse_range, metavar="START:COUNT",
                    help="the range the shards together must cover")
    ap.add_argument("logs", nargs="+", help="one log per shard")
    args = ap.parse_args()

    scenarios = {}
    problems = []
    text = {}
    for path in args.logs:
        text[path] = read_log(path, scenarios, problems)

    failed = 0
    for key in sorted(scenarios):
        shards = scenarios[key]
        # Every shard runs the same binary: a scenario missing from one
        # log is a shard that ended early (a deadlock report, a crash).
        for path in args.logs:
            if not any(s["log"] == path for s in shards):
                problems.append("%s: no summary of %s" %
                                (path, " ".join(key)))
        check_ranges(key, shards, args.expect, problems)
        runs = sum(s["runs"] for s in shards)
        fails = sum(s["failed"] for s in shards)
        lo = min(s["start"] for s in shards)
        hi = max(s["start"] + s["count"] for s in shards)
        print("explore-merge: %s %s sched=%s seeds=%d:%d shards=%d runs=%d "
              "failed=%d distinct<=%d steps=%d" %
              (key[0], key[1], key[2], lo, hi - lo, len(shards), runs, fails,
               sum(s["distinct"] for s in shards),
               sum(s["steps"] for s in shards)))
        for s in shards:
            if not s["failed"]:
                continue
            failed += 1
            print("explore-merge: FAILED %s %s sched=%s seed %s in %s" %
                  (key[0], key[1], key[2], s["fail_seed"], s["log"]))
            want = "SMCSIM_SEED=%s " % s["fail_seed"]
            for line in text[s["log"]]:
                m = REPLAY.search(line)
                if m and want in m["line"]:
                    print("explore-merge:   replay: %s" % m["line"])
    for p in problems:
        print("explore-merge: %s" % p)
    total = sum(len(v) for v in scenarios.values())
    print("explore-merge: %d scenario(s), %d shard summaries, %d failed, "
          "%d problem(s)" % (len(scenarios), total, failed, len(problems)))
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
