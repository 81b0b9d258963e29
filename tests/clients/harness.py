#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Real processes against smcsimd, as TAP (one "ok N - ..." line a check).

Starts smcsimd, the real tee-supplicant (optee_client 4.9.0, its secure
storage in a temp dir, its TA path the temp dir's TA files) and
teec_client (an ordinary libteec program), both under
LD_PRELOAD=libsmcsim-preload.so, then:

  - the GlobalPlatform API checks of teec_client api;
  - the daemon's trace shows the SMCs decoded;
  - secure storage through the real supplicant: the object's file appears
    under the temp dir, holds the data, goes on REMOVE;
  - a TA the secure world does not know, loaded by the real supplicant's
    LOAD_TA from the TA path (and a corrupt file refused);
  - process faults: a client that exits holding everything; a client
    SIGKILLed while its request waits in the supplicant (the daemon keeps
    serving, the late answer is refused, nothing leaks); tee-supplicant
    SIGKILLed with requests queued and being processed (every caller gets
    COMMUNICATION, a new supplicant attaches and serves);
  - at the end the daemon's counters are back where they started, and it
    stops cleanly.

Every wait is bounded (WAIT seconds). The daemon's counters come from its
STATUS request (daemon/proto.h). The work dir (logs: the daemon's SMC
trace, the supplicants' output) is kept when a check fails.
"""
import argparse
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

WAIT = 15.0
MAGIC = 0x44534D53
OP_STATUS = 5
MSG = struct.Struct("=IIIIqQQQQQ32s")
SEG = struct.Struct("=QII")

TEEC_SUCCESS = 0
TEEC_ERROR_ITEM_NOT_FOUND = 0xFFFF0008
TEEC_ERROR_NOT_SUPPORTED = 0xFFFF000A
TEEC_ERROR_COMMUNICATION = 0xFFFF000E

ECHO_UUID = "534d4353-0001-4000-8000-736d6373696d"
LOADED_UUID = "534d4353-0100-4000-8000-6c6f61646564"
CORRUPT_UUID = "534d4353-0101-4000-8000-636f72727570"
FIFO1_UUID = "534d4353-0102-4000-8000-6669666f3031"
FIFO2_UUID = "534d4353-0103-4000-8000-6669666f3032"
RPC_UNKNOWN = "0x99"	# an RPC the kernel does not serve: the supplicant's


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}", flush=True)
        return ok

    def diag(self, text):
        for line in str(text).splitlines():
            print(f"# {line}", flush=True)


def status(sock_path):
    """The daemon's counters, or None when it does not answer."""
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(WAIT)
        s.connect(sock_path)
        s.send(MSG.pack(MAGIC, OP_STATUS, 1, 0, 0, 0, 0, 0, 0, 0, b""))
        pkt = s.recv(65536)
        s.close()
    except OSError:
        return None
    if len(pkt) < MSG.size + SEG.size:
        return None
    _, ln, _ = SEG.unpack_from(pkt, MSG.size)
    text = pkt[MSG.size + SEG.size:MSG.size + SEG.size + ln].rstrip(b"\0")
    out = {}
    for line in text.decode().splitlines():
        k, v = line.split()
        out[k] = int(v)
    return out


def wait_for(pred, what, tap, sock_path):
    """Poll the counters until pred(counters); bounded by WAIT."""
    end = time.monotonic() + WAIT
    st = None
    while time.monotonic() < end:
        st = status(sock_path)
        if st is not None and pred(st):
            return st
        time.sleep(0.02)
    tap.diag(f"timed out waiting for {what}; counters: {st}")
    return None


class Run:
    def __init__(self, args):
        self.a = args
        self.tmp = tempfile.mkdtemp(prefix="smcsim-clients-")
        self.sock = os.path.join(self.tmp, "smcsimd.sock")
        self.fs = os.path.join(self.tmp, "fs")
        self.ta = os.path.join(self.tmp, "ta")
        os.makedirs(self.fs)
        os.makedirs(self.ta)
        self.env = dict(os.environ, SMCSIM_SOCKET=self.sock,
                        LD_PRELOAD=args.preload)
        self.tap = Tap()
        self.daemon = None
        self.supp = None
        self.nsupp = 0

    def log(self, name):
        return open(os.path.join(self.tmp, name), "w")

    def start_daemon(self):
        self.daemon = subprocess.Popen(
            [self.a.daemon, "--socket", self.sock, "--threads", "4"],
            stdout=self.log("daemon-trace.log"),
            stderr=self.log("daemon.log"))
        return wait_for(lambda s: True, "smcsimd to answer", self.tap,
                        self.sock)

    def start_supplicant(self):
        self.nsupp += 1
        self.supp_log = os.path.join(self.tmp, f"supplicant{self.nsupp}.log")
        # Line-buffered, so that its log survives a SIGKILL.
        self.supp = subprocess.Popen(
            ["stdbuf", "-oL", self.a.supplicant, "-f", self.fs, "-l", self.ta],
            env=self.env, stdout=open(self.supp_log, "w"),
            stderr=subprocess.STDOUT)
        return wait_for(lambda s: s["supp_attached"] == 1,
                        "tee-supplicant to attach", self.tap, self.sock)

    def kill_supplicant(self):
        if self.supp and self.supp.poll() is None:
            self.supp.kill()
        if self.supp:
            self.supp.wait(WAIT)
        return wait_for(lambda s: s["supp_attached"] == 0,
                        "the supplicant's file to close", self.tap, self.sock)

    def client(self, *args, wait=True):
        p = subprocess.Popen([self.a.client, *args], env=self.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        if not wait:
            return p
        try:
            out, err = p.communicate(timeout=WAIT * 4)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            err += "\n(killed: timed out)"
        return p.returncode, out, err

    def res_of(self, out):
        for line in out.splitlines():
            if line.startswith("res "):
                return int(line.split()[1], 16)
        return None

    def smcsim(self, *args):
        return subprocess.run([self.a.smcsim, *args], capture_output=True,
                              text=True, timeout=WAIT).returncode


def rest_counters(st):
    """What must be back to the baseline when no client is left."""
    keys = ("connections", "files", "shm_handles", "tee_users", "teepriv_users",
            "supp_queued_now", "supp_processing_now", "supp_placeholders",
            "sw_sessions", "sw_shm", "dram_pages_used", "sec_threads_free")
    return {k: st[k] for k in keys}


def wait_rest(r, base, what):
    """Wait for the counters to come back to @base; say what differs if not."""
    st = wait_for(lambda s: rest_counters(s) == base, what, r.tap, r.sock)
    if st is None:
        now = rest_counters(status(r.sock))
        r.tap.diag("differs: " + ", ".join(f"{k} {base[k]} -> {now[k]}"
                                           for k in base if base[k] != now[k]))
    return st


def files_under(d):
    out = []
    for root, _, names in os.walk(d):
        out += [os.path.join(root, n) for n in names]
    return out


def api(r):
    t = r.tap
    rc, out, err = r.client("api")
    for line in out.splitlines():
        if line.startswith("ok - "):
            t.check(True, "libteec: " + line[5:])
        elif line.startswith("not ok - "):
            t.check(False, "libteec: " + line[9:])
    t.check(rc == 0, f"teec_client api exits 0 (exit {rc})")
    if rc:
        t.diag(err)


def trace(r):
    with open(os.path.join(r.tmp, "daemon-trace.log")) as f:
        text = f.read()
    lines = text.splitlines()
    r.tap.check(any("SMC CALL_WITH_" in ln for ln in lines) and
                any("call OPEN_SESSION uuid=" + ECHO_UUID in ln for ln in lines) and
                any("call INVOKE session=" in ln for ln in lines),
                "the daemon's trace shows the clients' SMCs and messages decoded "
                f"(OPEN_SESSION of the echo TA, INVOKE; {len(lines)} lines)")


def storage(r):
    t = r.tap
    rc, out, err = r.client("storage", "h8-object")
    for line in out.splitlines():
        if line.startswith("ok - ") or line.startswith("not ok - "):
            t.check(line.startswith("ok"), "storage: " + line.split(" - ", 1)[1])
    t.check(rc == 0, f"teec_client storage exits 0 (exit {rc})")
    before = set(files_under(r.fs))
    rc, out, err = r.client("keep", "kept-object")
    t.check(rc == 0, "the storage TA writes an object and leaves it")
    new = [p for p in files_under(r.fs) if p not in before]
    data = b"an object kept by tee-supplicant in the REE file system"
    holding = [p for p in files_under(r.fs) if data in open(p, "rb").read()]
    t.check(len(new) >= 1 and len(holding) == 1,
            f"its file appears under the supplicant's temp dir holding the data "
            f"({', '.join(os.path.relpath(p, r.tmp) for p in new)})")
    rc, out, err = r.client("remove", "kept-object")
    holding = [p for p in files_under(r.fs) if data in open(p, "rb").read()]
    t.check(rc == 0 and not holding, "REMOVE: the file is gone")


def load_ta(r):
    t = r.tap
    r.smcsim("ta-file", r.ta, LOADED_UUID, "echo")
    st0 = status(r.sock)
    rc, out, err = r.client("open", LOADED_UUID)
    st1 = status(r.sock)
    t.check(r.res_of(out) == TEEC_SUCCESS,
            f"a TA the secure world does not know opens: loaded by the real "
            f"tee-supplicant's LOAD_TA from the TA path, then ADD works ({out.strip()})")
    t.check(st1["supp_answered"] > st0["supp_answered"],
            f"... through the supplicant queue ({st1['supp_answered'] - st0['supp_answered']} answers)")
    path = os.path.join(r.ta, CORRUPT_UUID + ".ta")
    r.smcsim("ta-file", r.ta, CORRUPT_UUID, "echo")
    with open(path, "r+b") as f:
        f.seek(30)
        f.write(b"X")
    rc, out, err = r.client("open", CORRUPT_UUID)
    t.check(r.res_of(out) == TEEC_ERROR_ITEM_NOT_FOUND,
            f"a corrupt TA file is refused: ITEM_NOT_FOUND ({out.strip()})")


def raw(r):
    t = r.tap
    rc, out, err = r.client("raw")
    for line in out.splitlines():
        if line.startswith("ok - ") or line.startswith("not ok - "):
            t.check(line.startswith("ok"), "device file: " + line.split(" - ", 1)[1])
    t.check(rc == 0, f"teec_client raw exits 0 (exit {rc})")


def packet(op, tag=7, nseg=0, name=b"", cmd=0, handle=0, magic=MAGIC):
    return MSG.pack(magic, op, tag, nseg, 0, cmd, 0, handle, 0, 0, name)


def protocol(r):
    """Malformed packets from a process: an error answer, nothing else."""
    t = r.tap
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(WAIT)
    s.connect(r.sock)

    def ask(pkt):
        s.send(pkt)
        rep = s.recv(65536)
        return MSG.unpack_from(rep)[4] if len(rep) >= MSG.size else None

    t.check(ask(packet(2, cmd=0x8010a400)) == -9,
            "wire: an ioctl before any open: -EBADF")
    t.check(ask(packet(1, name=b"tee0" + b"x" * 28)) == -2,
            "wire: open of an unterminated device name: -ENOENT")
    t.check(ask(packet(99)) == -22, "wire: an unknown request: -EINVAL")
    t.check(ask(packet(2, nseg=4)) == -22,
            "wire: a request promising segments it lacks: -EINVAL")
    seg = SEG.pack(0x1000, 0xFFFFFFF0, 0)
    t.check(ask(packet(2, nseg=1) + seg) == -22,
            "wire: a segment longer than the packet: -EINVAL")
    s.send(packet(1, magic=0x12345678))
    s.send(packet(4, handle=2 ** 63))	# SHM_PUT of nothing: no answer
    t.check(ask(packet(1, tag=9, name=b"tee0")) == 0,
            "wire: a bad magic and a put of an unknown handle are dropped; "
            "the connection still opens tee0")
    t.check(ask(packet(1, name=b"tee0")) == -16,
            "wire: a second open on one connection: -EBUSY")
    # VERSION with its argument missing from the packet: the layer's EFAULT.
    t.check(ask(packet(2, cmd=0x800ca400)) == -14,
            "wire: an ioctl whose argument bytes were not sent: -EFAULT")
    s.close()
    blocked_ioctl_does_not_hold_up_the_next(r)


def ioctl_pkt(tag, cmd, arg_addr, buf_addr, buf):
    """An ioctl taking a struct tee_ioctl_buf_data at @arg_addr naming @buf."""
    bd = struct.pack("=QQ", buf_addr, len(buf))
    return (MSG.pack(MAGIC, 2, tag, 2, 0, cmd, arg_addr, 0, 0, 0, b"") +
            SEG.pack(arg_addr, len(bd), 0) + bd +
            SEG.pack(buf_addr, len(buf), 0) + buf + b"\0" * (-len(buf) % 8))


def blocked_ioctl_does_not_hold_up_the_next(r):
    """
    Two ioctls sent back to back on one file, the first one blocking (the
    sleep TA naps 300 ms): the second is answered first. A worker that
    has not picked its first job yet must not count as free for the next.
    """
    t = r.tap
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(WAIT)
    s.connect(r.sock)
    s.send(packet(1, name=b"tee0"))
    s.recv(65536)
    sleep_uuid = bytes.fromhex("534d4353000240008000736d6373696d")
    arg = sleep_uuid + b"\0" * 16 + struct.pack("=IIIIII", 0, 0, 0, 0, 0, 0)
    s.send(ioctl_pkt(1, 0x8010a402, 0x10000, 0x20000, arg))
    rep = s.recv(65536)
    ret = MSG.unpack_from(rep)[4]
    session = struct.unpack_from("=I", rep, MSG.size + SEG.size + 40)[0] \
        if ret == 0 and len(rep) >= MSG.size + SEG.size + 44 else None
    inv = struct.pack("=IIIIII", 0, session or 0, 0, 0, 0, 1) + \
        struct.pack("=QQQQ", 1, 300, 1, 0)
    s.send(ioctl_pkt(2, 0x8010a403, 0x10000, 0x20000, inv))
    s.send(packet(2, tag=3, cmd=0x800ca400, nseg=1) +
           SEG.pack(0x30000, 12, 0) + b"\0" * 16)
    first = MSG.unpack_from(s.recv(65536))[2]
    second = MSG.unpack_from(s.recv(65536))[2]
    t.check(session is not None and (first, second) == (3, 2),
            "wire: an ioctl right behind a blocking one on the same file is "
            f"answered first (replies to {first}, {second})")
    s.close()


def concurrent(r, base):
    """Several processes at once: three API runs and two storage runs."""
    t = r.tap
    procs = [r.client("api", wait=False) for _ in range(3)]
    procs += [r.client("storage", f"conc-{i}", wait=False) for i in range(2)]
    codes = []
    for p in procs:
        try:
            p.communicate(timeout=WAIT * 4)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
        codes.append(p.returncode)
    t.check(codes == [0] * 5,
            f"three API runs and two storage runs at once, five processes: all pass (exits {codes})")
    # More calls at once than before grow the driver's message-argument
    # cache (pages of optee_msg_arg slots, registered, kept until the
    # driver goes, as Linux's): a device user, a registered shm, a DRAM
    # page each. Everything else must be back.
    cache = ("tee_users", "sw_shm", "dram_pages_used")
    st = wait_for(lambda s: all(v == base[k] for k, v in rest_counters(s).items()
                                if k not in cache),
                  "rest after the concurrent clients", t, r.sock)
    t.check(st is not None, "... and leave nothing behind but the driver's "
            f"argument cache ({st and st['dram_pages_used'] - base['dram_pages_used']} "
            "page(s) more)")
    return rest_counters(status(r.sock))


def exit_without_closing(r, base):
    t = r.tap
    p = r.client("exit", wait=False)
    out, _ = p.communicate(timeout=WAIT)
    t.check(p.returncode == 0 and "ready" in out,
            "a client opens a context, a session, allocated and registered "
            "shm, then exits closing nothing")
    st = wait_rest(r, base, "everything of the exited client released")
    t.check(st is not None, "... the daemon releases all of it: connections, "
            "files, shm, sessions, DRAM pages back to the baseline")

    p = r.client("hold", wait=False)
    ready = p.stdout.readline()
    st = status(r.sock)
    t.check("ready" in ready and st["sw_sessions"] > base["sw_sessions"] and
            st["shm_handles"] > base["shm_handles"],
            f"a client holding a session and shm (sessions {st['sw_sessions']}, "
            f"shm handles {st['shm_handles']})")
    p.kill()
    p.wait(WAIT)
    st = wait_rest(r, base, "everything of the killed client released")
    t.check(st is not None, "... SIGKILLed: everything released")


def kill_client_in_supplicant(r, base):
    t = r.tap
    fifo = os.path.join(r.ta, FIFO1_UUID + ".ta")
    os.mkfifo(fifo)
    st0 = status(r.sock)
    p = r.client("open", FIFO1_UUID, wait=False)
    st = wait_for(lambda s: s["supp_processing_now"] == 1,
                  "the LOAD_TA request in the supplicant", t, r.sock)
    t.check(st is not None, "a client's OpenSession waits in tee-supplicant "
            "(LOAD_TA from a FIFO nobody writes)")
    p.kill()
    p.wait(WAIT)
    st = wait_for(lambda s: s["connections"] == base["connections"] and
                  s["supp_placeholders"] == 1,
                  "the killed client's connection to close", t, r.sock)
    t.check(st is not None and st["workers_killed"] > st0["workers_killed"],
            "SIGKILL the client: its connection closes, its waiting request "
            "keeps its id as a placeholder")
    rc, out, err = r.client("open", ECHO_UUID)
    t.check(r.res_of(out) == TEEC_SUCCESS,
            "the daemon keeps serving: another client opens and invokes")
    # Let the supplicant finish (its fopen() returns, the FIFO cannot seek,
    # it answers ITEM_NOT_FOUND): its late answer must be refused.
    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    os.close(fd)
    st = wait_for(lambda s: s["supp_refused_answers"] > st0["supp_refused_answers"]
                  and s["supp_placeholders"] == 0,
                  "the late answer", t, r.sock)
    t.check(st is not None, "the supplicant's late answer is refused and the "
            "placeholder goes")
    end = time.monotonic() + WAIT
    log = ""
    while time.monotonic() < end and "TEE_IOC_SUPPL_SEND" not in log:
        log = open(r.supp_log).read()
        time.sleep(0.02)
    t.check("TEE_IOC_SUPPL_SEND" in log,
            "tee-supplicant saw its SEND refused (" +
            (log.strip().splitlines() or ["nothing logged"])[-1].strip() + ")")
    os.unlink(fifo)
    # tee-supplicant 4.9.0 gives up after a refused SEND (its threads stop,
    # as they would on Linux, whose SEND refuses an id nobody waits on): a
    # new one takes over.
    r.kill_supplicant()
    t.check(r.start_supplicant() is not None,
            "a new tee-supplicant attaches in place of the old one")
    st = wait_rest(r, base, "the killed client's request to leave nothing")
    t.check(st is not None, "nothing leaks: counters back to the baseline")


def trace_has(r, text):
    """Wait (bounded) for @text in the daemon's trace (line-buffered)."""
    end = time.monotonic() + WAIT
    path = os.path.join(r.tmp, "daemon-trace.log")
    while time.monotonic() < end:
        with open(path) as f:
            if text in f.read():
                return True
        time.sleep(0.02)
    r.tap.diag(f"timed out waiting for '{text}' in the trace")
    return False


def kill_supplicant_with_requests(r, base):
    t = r.tap
    fifo = os.path.join(r.ta, FIFO2_UUID + ".ta")
    os.mkfifo(fifo)
    st0 = status(r.sock)
    # A: its OpenSession's LOAD_TA blocks tee-supplicant on the FIFO.
    a = r.client("open", FIFO2_UUID, wait=False)
    ok = trace_has(r, "RPC CMD LOAD_TA uuid=" + FIFO2_UUID) and wait_for(
        lambda s: s["supp_processing_now"] >= 1 and s["supp_queued_now"] == 0,
        "A's LOAD_TA taken by the supplicant", t, r.sock) is not None
    os.kill(r.supp.pid, signal.SIGSTOP)
    # Then callers until one stays queued: the stopped supplicant's threads
    # already waiting in SUPPL_RECV take the first ones (processing).
    others = []
    st = status(r.sock)
    while ok and st["supp_queued_now"] == 0 and len(others) < 8:
        n = st["supp_processing_now"] + st["supp_queued_now"]
        others.append(r.client("rpc", RPC_UNKNOWN, wait=False))
        st = wait_for(lambda s: s["supp_processing_now"] +
                      s["supp_queued_now"] > n,
                      "the next request at the supplicant", t, r.sock)
        ok = st is not None
    t.check(ok and st["supp_processing_now"] >= 2 and st["supp_queued_now"] >= 1,
            "tee-supplicant stopped with requests being processed and queued "
            f"({st and st['supp_processing_now']} processing, "
            f"{st and st['supp_queued_now']} queued)")
    r.supp.kill()
    r.supp.wait(WAIT)

    def result(p):
        try:
            out, err = p.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        if r.res_of(out) != TEEC_ERROR_COMMUNICATION:
            t.diag(f"exit {p.returncode}: {out.strip()} {err.strip()}")
        return r.res_of(out)

    results = [result(p) for p in others]
    st = status(r.sock)
    shown = ", ".join(hex(x) if x is not None else "none" for x in results)
    t.check(len(results) >= 2 and
            all(x == TEEC_ERROR_COMMUNICATION for x in results),
            "SIGKILL tee-supplicant: the callers waiting in it, processing or "
            f"queued, get COMMUNICATION ({shown})")
    t.check(st["supp_failed"] >= st0["supp_failed"] + len(results) + 1,
            f"... the queue failed them and A's LOAD_TA "
            f"({st['supp_failed'] - st0['supp_failed']} requests)")
    os.unlink(fifo)
    st = wait_for(lambda s: s["supp_attached"] == 0 and
                  s["supp_processing_now"] == 0,
                  "the dead supplicant's file to close", t, r.sock)
    t.check(st is not None, "the dead supplicant's file is closed")
    # A's OpenSession failed (LOAD_TA: COMMUNICATION), but the secure world
    # then frees the application shm it had for the TA store: that SHM_FREE
    # waits for a supplicant, as a user process's requests do on Linux.
    t.check(a.poll() is None,
            "the OpenSession of A waits for a supplicant to free its TA "
            "store's shm (as on Linux: a user client's RPC waits for one)")
    t.check(r.start_supplicant() is not None, "a new tee-supplicant attaches")
    res = result(a)
    t.check(res == TEEC_ERROR_COMMUNICATION,
            "... then A's OpenSession ends: COMMUNICATION, its LOAD_TA's "
            f"({hex(res) if res is not None else 'none'})")
    rc, out, err = r.client("rpc", RPC_UNKNOWN)
    t.check(r.res_of(out) == TEEC_ERROR_NOT_SUPPORTED,
            f"... and serves: an RPC it does not know gets its NOT_SUPPORTED ({out.strip()})")
    rc, out, err = r.client("storage", "after-restart")
    t.check(rc == 0, "... and secure storage works again through it")


def main():
    ap = argparse.ArgumentParser()
    for opt in ("daemon", "preload", "client", "supplicant", "smcsim"):
        ap.add_argument("--" + opt, required=True)
    args = ap.parse_args()
    # tools/dev clients runs the suite again against the ASan and TSan
    # builds' smcsimd (the clients stay unsanitized: preloaded).
    args.daemon = os.environ.get("SMCSIM_CLIENTS_DAEMON") or args.daemon
    r = Run(args)
    t = r.tap
    t.diag(f"work dir {r.tmp}, daemon {args.daemon}")
    try:
        if not t.check(r.start_daemon() is not None, "smcsimd starts and answers"):
            return 1
        if not t.check(r.start_supplicant() is not None,
                       "the real tee-supplicant attaches under LD_PRELOAD"):
            return 1
        base = rest_counters(status(r.sock))
        api(r)
        raw(r)
        protocol(r)
        trace(r)
        storage(r)
        load_ta(r)
        st = wait_rest(r, base, "rest")
        t.check(st is not None, "after the clients: counters back to the baseline")
        base = concurrent(r, base)
        exit_without_closing(r, base)
        kill_client_in_supplicant(r, base)
        base = rest_counters(status(r.sock))
        kill_supplicant_with_requests(r, base)
        st = wait_rest(r, base, "rest")
        t.check(st is not None and r.daemon.poll() is None,
                "the daemon is alive and at rest after the faults")
    finally:
        if r.supp and r.supp.poll() is None:
            r.supp.kill()
            r.supp.wait(WAIT)
        if r.daemon and r.daemon.poll() is None:
            r.daemon.send_signal(signal.SIGTERM)
            try:
                rc = r.daemon.wait(WAIT)
            except subprocess.TimeoutExpired:
                r.daemon.kill()
                rc = "killed"
            t.check(rc == 0, f"smcsimd stops cleanly on SIGTERM (exit {rc})")
        with open(os.path.join(r.tmp, "daemon.log")) as f:
            t.diag(f.read())
    print(f"1..{t.n}")
    if not t.failed:
        shutil.rmtree(r.tmp, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
