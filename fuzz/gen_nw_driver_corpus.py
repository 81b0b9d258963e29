#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Seed corpus of fuzz_nw_driver (the input format is in fuzz_nw_driver.c).

Usage: fuzz/gen_nw_driver_corpus.py [DIR]   (default fuzz/corpus/fuzz_nw_driver)
Writes one file per seed; inputs kept from fuzzing runs (crash-* for a
driver bug, seed-* for a harness fix, named by what they found) are left
alone.
"""
import os
import struct
import sys

# Capabilities (optee_smc.h).
RESERVED_SHM, UNREGISTERED_SHM, DYNAMIC_SHM = 1 << 0, 1 << 1, 1 << 2
MEMREF_NULL, ASYNC_NOTIF, RPC_ARG, BIT7 = 1 << 4, 1 << 5, 1 << 6, 1 << 7
PROTMEM, DYNAMIC_PROTMEM = 1 << 8, 1 << 9
SIM_CAPS = 0xF5

# Fast functions: indexes into fast_fids[].
UID, OS_REV, API_REV, THREADS, CAPS, SHM_CONFIG = range(6)
DISABLE_CACHE, ENABLE_CACHE, ENABLE_NOTIF, NOTIF_VALUE = range(6, 10)

# RPC commands (optee_rpc_cmd.h) and statuses.
RPC_GET_TIME, RPC_NOTIFICATION, RPC_SUSPEND = 3, 4, 5
RPC_SHM_ALLOC, RPC_SHM_FREE, RPC_SUPP_PLUGIN, RPC_I2C = 6, 7, 12, 21
RPC_FS, RPC_RPMB = 2, 1
VALUE_IN, VALUE_OUT, VALUE_INOUT, TMEM_OUT, RMEM_IN = 1, 2, 3, 0xa, 5
EBUSY, EBADADDR, EBADCMD, ENOMEM, ENOTAVAIL = 2, 4, 5, 6, 7
ETHREAD_LIMIT, UNKNOWN = 1, 0xFFFFFFFF
SEL_ARG, SEL_RAW = 0x80, 0xFF


def header(caps, threads=2, proposal=False, uni=False, no_count=False,
           own_buf=True, rpc_params=4, notif=4, irq=None):
    if irq is None:
        irq = bool(caps & ASYNC_NOTIF)
    b0 = (1 if proposal else 0) | (2 if uni else 0) | (4 if no_count else 0)
    b0 |= (8 if own_buf else 0) | (threads & 7) << 4 | (0x80 if irq else 0)
    return struct.pack('<BHB', b0, caps & 0xFFFF, (rpc_params & 15) | notif << 4)


def fast(f, a0=None, a1=None, a2=None, a3=None):
    regs = [a0, a1, a2, a3]
    mask = sum(1 << i for i, r in enumerate(regs) if r is not None)
    out = struct.pack('<BBB', 0, f, mask)
    for r in regs:
        if r is not None:
            out += struct.pack('<Q', r & (2**64 - 1))
    return out


def done(a0=None, ret=None, noproc=False, patch=None):
    flags = (1 if a0 is not None else 0) | (2 if noproc else 0)
    flags |= (4 if ret is not None else 0) | (8 if patch else 0)
    out = struct.pack('<BB', 1, flags)
    if a0 is not None:
        out += struct.pack('<I', a0 & 0xFFFFFFFF)
    if ret is not None:
        out += struct.pack('<I', ret)
    if patch:
        word, data = patch
        out += struct.pack('<BB', word, len(data)) + data
    return out


def alloc(size):
    return struct.pack('<BI', 2, size)


def sel(s, raw=0):
    return struct.pack('<B', s) + (struct.pack('<Q', raw) if s == SEL_RAW else b'')


def free(s, raw=0):
    return b'\x03' + sel(s, raw)


def cmd(s, command, params=(), num_params=None, raw=0):
    """params: (attr, a, b, c); attr bit 7: a tmem of cookie a at b, size c."""
    if num_params is None:
        num_params = len(params)
    out = b'\x04' + sel(s, raw) + struct.pack('<IBB', command, num_params,
                                              len(params))
    for attr, a, b, c in params:
        out += struct.pack('<BQQQ', attr, a, b, c)
    return out


def intr():
    return b'\x05'


def raw_rpc(func, a1=0, a2=0):
    return struct.pack('<BHQQ', 6, func, a1, a2)


def end():
    return b'\x07'


DYN = SIM_CAPS & ~ASYNC_NOTIF  # dynamic shm, RPC args, bit 7
RES = RESERVED_SHM             # reserved region only, no RPC args
NOTIF = SIM_CAPS               # with async notification (and its line)

SEEDS = {
    # Clean probe + workload, each capability profile.
    'clean_dynamic': header(DYN),
    'clean_reserved': header(RES),
    'clean_async_notif': header(NOTIF),
    'clean_async_notif_reserved': header(RES | ASYNC_NOTIF, rpc_params=0),
    'async_notif_no_line': header(NOTIF, irq=False),
    'async_notif_enable_fails': header(NOTIF) + fast(ENABLE_NOTIF, a0=UNKNOWN),
    'clean_reserved_cache': header(RESERVED_SHM, rpc_params=0),
    'clean_dynamic_no_rpc_arg': header(DYNAMIC_SHM | ASYNC_NOTIF),
    'clean_proposal_system_thread': header(DYN, proposal=True),
    'clean_uniprocessor_no_count': header(DYN, uni=True, no_count=True),
    'clean_protmem_caps': header(DYN | PROTMEM | DYNAMIC_PROTMEM),
    'clean_no_caps_at_all': header(0),
    # Probe refusals.
    'bad_uid': header(DYN) + fast(UID, a0=0x384fb3e1),
    'bad_revision_major': header(DYN) + fast(API_REV, a0=3),
    'bad_revision_minor_negative': header(DYN) + fast(API_REV, a1=-1),
    'bad_caps_status': header(DYN) + fast(CAPS, a0=UNKNOWN),
    'bad_shm_config_uncached': header(RES) + fast(SHM_CONFIG, a3=0),
    'bad_shm_config_wraps': header(RES) + fast(SHM_CONFIG, a1=2**64 - 4096,
                                               a2=0x10000),
    'bad_shm_config_small': header(RES) + fast(SHM_CONFIG, a2=4096),
    'bad_shm_config_secure': header(RES) + fast(SHM_CONFIG, a1=0x0e100000),
    'notif_max_huge': header(NOTIF) + fast(CAPS, a2=2**32 - 1),
    'rpc_params_huge': header(DYN) + fast(CAPS, a3=0x1ff),
    # The notification interrupt: values, a bottom half, a bad value.
    'irq_value_then_wait': header(NOTIF) +
        fast(NOTIF_VALUE, a0=0, a1=5, a2=3) + fast(NOTIF_VALUE, a0=0, a1=0, a2=1) +
        end() * 6 + cmd(SEL_ARG, RPC_NOTIFICATION, [(VALUE_IN, 0, 5, 0)]) + end(),
    'irq_value_above_max': header(NOTIF) +
        fast(NOTIF_VALUE, a0=0, a1=1 << 40, a2=1),
    'irq_values_endless': header(NOTIF) +
        b''.join(fast(NOTIF_VALUE, a0=0, a1=7, a2=3) for _ in range(130)),
    'irq_bottom_half_fails': header(RES | ASYNC_NOTIF, rpc_params=0) +
        fast(NOTIF_VALUE, a0=0, a1=0, a2=1) + end() * 6 + done(a0=EBADCMD),
    # Shm cache answers.
    'cache_busy_then_ok': header(RESERVED_SHM, rpc_params=0) +
        fast(DISABLE_CACHE, a0=EBUSY) + fast(ENABLE_CACHE, a0=EBUSY),
    'cache_stale_cookie': header(RESERVED_SHM, rpc_params=0) +
        fast(DISABLE_CACHE, a0=0, a1=0, a2=0x1234),
    # RPCs.
    'rpc_alloc_free': header(RESERVED_SHM, rpc_params=0) +
        alloc(160) + free(0) + end(),
    'rpc_alloc_cmd_get_time': header(RESERVED_SHM, rpc_params=0) +
        alloc(160) + cmd(0, RPC_GET_TIME, [(VALUE_OUT, 0, 0, 0)]) + end(),
    'rpc_alloc_cached': header(RESERVED_SHM, rpc_params=0) +
        alloc(160) + cmd(0, RPC_GET_TIME, [(VALUE_OUT, 0, 0, 0)]) + end() +
        alloc(160) + end(),
    'rpc_alloc_huge': header(DYN) + alloc(0xFFFFFFFF) + end(),
    'rpc_free_unknown': header(DYN) + free(SEL_RAW, 0xdeadbeef) + end(),
    'rpc_cmd_unknown_cookie': header(RESERVED_SHM, rpc_params=0) +
        cmd(SEL_RAW, RPC_GET_TIME, [(VALUE_OUT, 0, 0, 0)], raw=0x1001) + end(),
    'rpc_cmd_supplied_arg': header(DYN) +
        cmd(SEL_ARG, RPC_GET_TIME, [(VALUE_OUT, 0, 0, 0)]) + end(),
    'rpc_cmd_num_params_lie': header(DYN) +
        cmd(SEL_ARG, RPC_GET_TIME, [(VALUE_OUT, 0, 0, 0)], num_params=200) +
        end(),
    'rpc_cmd_suspend': header(DYN) +
        cmd(SEL_ARG, RPC_SUSPEND, [(VALUE_IN, 5000, 0, 0)]) + end(),
    'rpc_shm_alloc_free_kernel': header(DYN) +
        cmd(SEL_ARG, RPC_SHM_ALLOC, [(VALUE_IN, 1, 4096, 0)]) +
        cmd(SEL_ARG, RPC_SHM_FREE, [(VALUE_IN, 1, 0x1005, 0)]) + end(),
    'rpc_shm_alloc_use_free': header(DYN) +
        cmd(SEL_ARG, RPC_SHM_ALLOC, [(VALUE_IN, 1, 4096, 0)]) +
        cmd(SEL_ARG, RPC_FS, [(VALUE_IN, 0, 0, 0), (0x80, 0, 0, 64)]) +
        cmd(0, RPC_GET_TIME, [(VALUE_OUT, 0, 0, 0)]) +
        free(0) + end(),
    'rpc_shm_alloc_appl': header(DYN) +
        cmd(SEL_ARG, RPC_SHM_ALLOC, [(VALUE_IN, 0, 4096, 0)]) + end(),
    'rpc_shm_free_unknown': header(DYN) +
        cmd(SEL_ARG, RPC_SHM_FREE, [(VALUE_IN, 1, 0x4242, 0)]) + end(),
    'rpc_notif_send_wait': header(DYN) +
        cmd(SEL_ARG, RPC_NOTIFICATION, [(VALUE_IN, 1, 3, 0)]) +
        cmd(SEL_ARG, RPC_NOTIFICATION, [(VALUE_IN, 0, 3, 0)]) + end(),
    'rpc_notif_wait_unsent': header(DYN) +
        cmd(SEL_ARG, RPC_NOTIFICATION, [(VALUE_IN, 0, 9, 0)]) + end(),
    'rpc_supp_no_supplicant': header(DYN) +
        cmd(SEL_ARG, RPC_RPMB, [(VALUE_IN, 0, 0, 0)]) +
        cmd(SEL_ARG, RPC_SUPP_PLUGIN, [(VALUE_IN, 0, 1, 2), (VALUE_IN, 3, 4, 0)]) +
        cmd(SEL_ARG, RPC_I2C, []) + end(),
    'rpc_foreign_intr_storm': header(DYN) + intr() * 70 + end(),
    'rpc_raw_unknown_func': header(DYN) + raw_rpc(0x1234, 1, 2) + end(),
    # Bad answers to the calls.
    'done_errors': header(DYN) + done(a0=EBADADDR) + done(a0=EBADCMD) +
        done(a0=ENOMEM) + done(a0=ETHREAD_LIMIT),
    'register_refused': header(DYN) + done(ret=0xFFFF0006),
    'open_session_refused': header(DYN) + end() + end() + end() + end() +
        done(ret=0xFFFF0008),
    'open_ok_no_process': header(DYN) + end() * 5 + done(noproc=True),
    'devices_size_lie': header(DYN) + end() + end() +
        done(patch=(7, struct.pack('<Q', 4096))),
    'devices_size_odd': header(DYN) + end() + end() +
        done(patch=(7, struct.pack('<Q', 24))),
    'invoke_memref_size_lie': header(DYN) + end() * 6 +
        done(patch=(13, struct.pack('<Q', 1 << 40))),
    'num_params_patched': header(DYN) + end() * 6 +
        done(patch=(1, struct.pack('<I', 99))),
    'unregister_refused': header(DYN) + end() * 8 + done(ret=0xFFFF0000) +
        done(ret=0xFFFF0000) + done(ret=0xFFFF0000),
    'stop_notif_fails': header(NOTIF, own_buf=False) + end() * 9 +
        done(a0=EBADCMD),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus', 'fuzz_nw_driver')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print(f'{len(SEEDS)} seeds in {out}')


if __name__ == '__main__':
    main()
