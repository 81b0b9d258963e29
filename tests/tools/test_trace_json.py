#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""`smcsim demo --trace t.json` writes Chrome trace-event JSON that a viewer
(ui.perfetto.dev, chrome://tracing) can show; this loads it with the json
module and checks what a viewer relies on:
 - the document: the array form [...], every event with name, ph, pid,
   tid, and ts unless metadata;
 - tracks: a named track (thread_name metadata) for every normal-world
   thread (pid 1) and every secure thread (pid 2) that has events; the
   demo's callers and interrupt threads each have their own;
 - slices: on every track, B and E nest properly (an E closes the last
   open B of the same name) with time not going back, and none is left open;
 - secure-thread occupancy: one "occupied" slice per yielding call the
   secure world ran on a thread (the SMC slices that took one: not
   RETURN_FROM_RPC, not answered ETHREAD_LIMIT), never two at once on a
   thread, never more threads at once than the world has; every message
   (TA call) and RPC slice inside an occupied one;
 - in the det run, where the interleaving is fixed: both secure threads
   busy at once and a caller queued (free-running, the callers may happen
   not to overlap);
 - the driver's view of each message (CALL slices) beside the secure
   world's (MSG), instants for interrupts and notifications, and the
   thread-limit queue;
 - a det run (--seed) gives the same bytes twice, and the same again when
   its line format is converted by `smcsim trace --format json`;
 - SMCSIM_TRACE=FILE records the same without --trace, SMCSIM_TRACE_KINDS
   filters it, SMCSIM_TRACE_RING=N keeps the last N events.
Usage: test_trace_json.py CMD... (CMD: the smcsim binary, after the
emulator that runs it in a cross build)"""

import json
import os
import subprocess
import sys
import tempfile

cmd = sys.argv[1:]
if not cmd:
    sys.exit(__doc__)
failures = []
YIELDING_WITH_THREAD = {"CALL_WITH_ARG", "CALL_WITH_RPC_ARG",
                        "CALL_WITH_REGD_ARG", "CALL_SYSTEM_WITH_REGD_ARG"}


def fail(msg):
    failures.append(msg)


def run_demo(path, *args):
    p = subprocess.run(cmd + ["demo", "--trace", path] + list(args),
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        sys.exit("smcsim demo --trace %s: exit %d\n%s%s" %
                 (path, p.returncode, p.stdout, p.stderr))


def check(path, threads, det):
    with open(path) as f:
        doc = json.load(f)
    events = doc
    if not isinstance(events, list) or not events:
        fail("%s: not a list of events" % path)
        return
    named, used = set(), {}
    for e in events:
        for k in ("name", "ph", "pid", "tid"):
            if k not in e:
                fail("%s: event without %s: %r" % (path, k, e))
                return
        if e["ph"] == "M":
            if e["name"] == "thread_name":
                named.add((e["pid"], e["tid"]))
            continue
        if not isinstance(e.get("ts"), (int, float)):
            fail("%s: event without ts: %r" % (path, e))
            return
        used.setdefault((e["pid"], e["tid"]), []).append(e)

    # Tracks.
    for track in used:
        if track not in named:
            fail("%s: track %r has events but no thread_name" % (path, track))
    nw = [t for t in used if t[0] == 1]
    sw = [t for t in used if t[0] == 2]
    if len(nw) < 4:
        fail("%s: %d normal-world tracks, want main, the IRQ threads and "
             "callers: %r" % (path, len(nw), nw))
    if (len(sw) != threads) if det else not sw:
        fail("%s: %d secure-thread tracks, want %d (the thread-limit part "
             "uses every thread)" % (path, len(sw), threads))

    # Nesting, per track; occupancy intervals on the secure tracks.
    occupied = []
    for track, evs in used.items():
        stack, last = [], None
        for e in evs:
            if last is not None and e["ts"] < last:
                fail("%s: %r: time goes back at %r" % (path, track, e))
            last = e["ts"]
            if e["ph"] == "B":
                stack.append(e)
            elif e["ph"] == "E":
                if not stack or stack[-1]["name"] != e["name"]:
                    fail("%s: %r: E %r closes %r" % (
                        path, track, e["name"],
                        stack[-1]["name"] if stack else None))
                    return
                b = stack.pop()
                if b["name"] == "occupied":
                    if stack:
                        fail("%s: %r: occupied inside %r" %
                             (path, track, [s["name"] for s in stack]))
                    occupied.append((b["ts"], e["ts"], track))
                elif track[0] == 2 and not any(s["name"] == "occupied"
                                                for s in stack):
                    fail("%s: %r: %r outside an occupied slice" %
                         (path, track, b["name"]))
            elif e["ph"] != "i":
                fail("%s: unexpected phase %r" % (path, e["ph"]))
        if stack:
            fail("%s: %r: left open: %r" % (path, track,
                                            [s["name"] for s in stack]))

    # Occupancy matches the calls that ran on a thread.
    calls = 0
    for track in nw:
        open_smc = []
        for e in used[track]:
            if e["cat"] != "SMC":
                continue
            if e["ph"] == "B":
                open_smc.append(e)
            elif e["ph"] == "E" and open_smc:
                b = open_smc.pop()
                if b["name"] in YIELDING_WITH_THREAD and \
                        "-> ETHREAD_LIMIT" not in e["args"]["text"]:
                    calls += 1
    if calls != len(occupied):
        fail("%s: %d occupied slices, %d yielding calls ran on a thread" %
             (path, len(occupied), calls))
    points = sorted([(b, 1) for b, _, _ in occupied] +
                    [(e, -1) for _, e, _ in occupied], key=lambda p: (p[0], p[1]))
    busy = most = 0
    for _, d in points:
        busy += d
        most = max(most, busy)
    if most > threads:
        fail("%s: %d threads occupied at once, the world has %d" %
             (path, most, threads))
    if det and most < 2:
        fail("%s: never two threads occupied at once in the thread-limit "
             "part" % path)

    # Instants and the queue.
    cats = {(e["cat"], e["ph"]) for evs in used.values() for e in evs}
    for want in [("IRQ", "i"), ("NOTIF", "i"), ("THREAD", "i"),
                 ("MSG", "B"), ("RPC", "B"), ("SMC", "B"), ("CALL", "B")]:
        if want not in cats:
            fail("%s: no %s event of phase %s" % (path, want[0], want[1]))
    return events


with tempfile.TemporaryDirectory() as d:
    free = os.path.join(d, "t.json")
    run_demo(free)
    check(free, 2, False)
    a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
    run_demo(a, "--seed", "7")
    run_demo(b, "--seed", "7")
    events = check(a, 2, True)
    if open(a, "rb").read() != open(b, "rb").read():
        fail("two runs of --seed 7 wrote different JSON")
    queued = [e for e in events or [] if e.get("cat") == "QUEUE" and
              e["ph"] == "B"]
    if not queued:
        fail("%s: no caller queued for a thread in the thread-limit part" % a)
    elif "queued (" not in queued[0]["args"]["text"]:
        fail("%s: queue text %r" % (a, queued[0]["args"]["text"]))

    # The line format converted by `smcsim trace` gives the same JSON.
    lines, conv = os.path.join(d, "a.trace"), os.path.join(d, "conv.json")
    run_demo(lines, "--seed", "7")
    with open(conv, "w") as f:
        p = subprocess.run(cmd + ["trace", "--format", "json", lines],
                           stdout=f, stderr=subprocess.PIPE, text=True,
                           timeout=120)
    if p.returncode != 0:
        fail("smcsim trace --format json: exit %d: %s" % (p.returncode,
                                                          p.stderr))
    elif open(conv, "rb").read() != open(a, "rb").read():
        fail("smcsim trace --format json of the line format differs from "
             "the JSON the same seed wrote")

    # SMCSIM_TRACE for any program: the file, the kind filter, the ring.
    def env_run(path, **env):
        e = dict(os.environ, SMCSIM_TRACE=path, **env)
        p = subprocess.run(cmd + ["demo", "--quiet", "--seed", "7"],
                           capture_output=True, text=True, timeout=120,
                           env=e)
        if p.returncode != 0:
            fail("SMCSIM_TRACE=%s %r: exit %d: %s" % (path, env, p.returncode,
                                                      p.stderr))
            return []
        with open(path) as f:
            return [e for e in json.load(f) if e["ph"] != "M"]
    env_json = os.path.join(d, "env.json")
    if len(env_run(env_json)) != len([e for e in events or []
                                       if e["ph"] != "M"]):
        fail("SMCSIM_TRACE=env.json did not record what --trace did")
    cats = {e["cat"] for e in env_run(env_json, SMCSIM_TRACE_KINDS="smc,irq")}
    if cats != {"SMC", "IRQ"}:
        fail("SMCSIM_TRACE_KINDS=smc,irq recorded %r" % sorted(cats))
    last = env_run(env_json, SMCSIM_TRACE_RING="100")
    if len(last) != 100:
        fail("SMCSIM_TRACE_RING=100 wrote %d events" % len(last))

if failures:
    sys.exit("\n".join(failures))
print("trace JSON: tracks, nesting, occupancy, instants and det bytes checked")
