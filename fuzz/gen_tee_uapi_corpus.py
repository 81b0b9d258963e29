#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Seed inputs for fuzz_tee_uapi: each a short process life in the
target's operation encoding (see fuzz/fuzz_tee_uapi.c). Writes one file per
seed into the directory given (default fuzz/corpus/fuzz_tee_uapi)."""
import os
import struct
import sys

HOST, BARE, SUPP = 0, 1, 2
VI, VO, VIO, MI, MO, MIO = 1, 2, 3, 5, 6, 7
META = 0x08  # pick_attr's bit for TEE_IOCTL_PARAM_ATTR_META


def u8(*v):
    return bytes(v)


def u16(v):
    return struct.pack('<H', v)


def u32(v):
    return struct.pack('<I', v)


def u64(v):
    return struct.pack('<Q', v)


def value(attr, a=0, b=0, c=0):
    return u8(attr) + u32(a) + u32(b) + u8(c)


def memref(attr, offs, size, shm_sel=0):
    # a: small offset; b: size; c: pick_shm (0: this file's n-th shm)
    return u8(attr) + u8(0, offs) + u16(size) + u8(shm_sel)


def buf(params, bend=0, place_a=0, place_b=0, extra=b''):
    return u8(len(params), bend) + extra + b''.join(params) + u8(place_a) + u8(place_b)


def version(f, place=0):
    return u8(0, f, place)


def shm_alloc(f, size, place=0, flags=None):
    fl = u8(0) if flags is None else u8(0x80, flags)
    return u8(1, f, 0) + u16(size) + fl + u8(place)


def shm_register(f, offs, length, place=0):
    return u8(2, f, 0) + u16(offs) + u16(length) + u8(place)


def open_session(f, ta=0, login=0, params=(), **kw):
    return u8(3, f, ta, 0, login, 1, 0) + buf(list(params), **kw)


def invoke(f, func, params=(), sess=0, **kw):
    return u8(4, f, sess, func, 0) + buf(list(params), **kw)


def cancel(f, sess=0, place=0):
    return u8(5, f, 7, sess, place)


def close_session(f, sess=0, place=0):
    return u8(6, f, sess, place)


def supp_recv(params=(), **kw):
    return u8(7, SUPP) + buf(list(params), **kw)


def supp_send(params=(), **kw):
    return u8(8, SUPP, 0) + buf(list(params), **kw)


def close_fd(i):
    return u8(9, 0, i)


def raw(f, sel, data=b'', place=0):
    return u8(10, f, sel) + (data + bytes(64))[:64] + u8(place)


def release_bare():
    return u8(11, BARE)


ADD, ECHO, FILL, CHECK, INC = 0, 1, 2, 3, 4

SEEDS = {
    'values': u8(0) + open_session(HOST) +
        invoke(HOST, ADD, [value(VI, 40, 2), value(VO)]) +
        invoke(HOST, INC, [value(VIO, 1, 5)]) + close_session(HOST),
    'memrefs_host': u8(0) + shm_alloc(HOST, 4096) + shm_alloc(HOST, 300) +
        open_session(HOST) +
        invoke(HOST, ECHO, [memref(MI, 0, 100, 0), memref(MO, 8, 100, 4), value(VO)]) +
        invoke(HOST, FILL, [memref(MO, 0, 64, 0), value(VI, 3)]) +
        close_fd(0) + invoke(HOST, CHECK, [memref(MI, 0, 64, 0), value(VI, 3), value(VO)]),
    'memrefs_bare': u8(0) + shm_alloc(BARE, 8192) + open_session(BARE) +
        invoke(BARE, FILL, [memref(MO, 16, 256, 0), value(VI, 9)]) +
        invoke(BARE, ECHO, [memref(MI, 0, 32, 0), memref(MO, 32, 32, 0), value(VO)]) +
        release_bare(),
    'register': u8(1) + shm_register(HOST, 100, 3000) + open_session(HOST) +
        invoke(HOST, FILL, [memref(MO, 0, 3000, 0), value(VI, 1)]) +
        shm_register(BARE, 5000, 10),
    'supplicant': u8(0) + shm_alloc(SUPP, 64) + supp_recv([value(META)]) +
        supp_recv([value(0), value(0)]) + supp_recv([memref(MIO, 0, 8, 0)]) +
        supp_send([value(VIO | META, 1)]) + supp_send([value(VIO, 1, 2)]) + version(SUPP),
    'wrong_device': u8(0) + supp_recv([value(0)]) + u8(7, HOST) + buf([value(0)]) +
        open_session(SUPP) + invoke(SUPP, ADD) + cancel(SUPP) + close_session(SUPP),
    'bad_places': u8(0) + version(HOST, 5) + version(HOST, 6) + u8(0, HOST, 7, 3) +
        shm_alloc(HOST, 64, 6) + open_session(HOST, place_a=5) + open_session(HOST, place_b=6) +
        open_session(HOST, params=[value(VO)], place_a=6) +
        invoke(HOST, ADD, [value(VI, 1, 2), value(VO)], place_a=6),
    'bad_lengths': u8(0) + open_session(HOST, bend=1) + open_session(HOST, bend=2) +
        open_session(HOST, bend=0xe0) + open_session(HOST, bend=0xf0, extra=u32(0xffffffff)) +
        open_session(HOST, bend=3) + u64(1 << 40) + invoke(HOST, ADD, [value(VI)], bend=1),
    'bad_params': u8(0) + shm_alloc(HOST, 4096) + shm_alloc(BARE, 4096) + open_session(HOST) +
        invoke(HOST, ECHO, [memref(MI, 0, 100, 1), value(0x10, 0, 0) + u8(0, 2)]) +
        invoke(HOST, ECHO, [memref(MI, 0, 8000, 0)]) +
        invoke(HOST, ECHO, [memref(MI, 0, 8, 2)]) +
        invoke(HOST, ECHO, [memref(MI, 0, 8, 3) + u32(12345)]) +
        invoke(HOST, ADD, [value(VI | META)]) + invoke(HOST, ADD, [value(4)]) +
        invoke(HOST, ADD, [value(VI)] * 5),
    'logins': u8(0) + open_session(HOST, login=1) + open_session(HOST, login=2) +
        open_session(HOST, login=4) + open_session(HOST, login=5) + u8(3, HOST, 0, 1) +
        u32(0x80000000) + u8(1, 0) + buf([]) + open_session(HOST, ta=1),
    'raw': u8(0) + raw(HOST, 0) + raw(HOST, 1, u64(64) + u32(0)) + raw(HOST, 0x80, u32(0xc0ffee)) +
        raw(SUPP, 6) + raw(HOST, 7) + raw(BARE, 8, place=5),
    'dying_with_everything': u8(0) + shm_alloc(HOST, 4096) + shm_alloc(BARE, 100) +
        open_session(HOST) + open_session(BARE) + open_session(HOST, ta=1) +
        invoke(HOST, 1, [value(VI)], sess=2),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), 'corpus', 'fuzz_tee_uapi')
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
