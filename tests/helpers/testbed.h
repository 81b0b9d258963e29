/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A whole stack for tests: memory map, simulated secure world, a trace
 * wrapper (with an optional extra backend in front of the simulator), the
 * probed OP-TEE driver, and client helpers. Tests written from issue 5 on
 * use it; every wait it offers is bounded, so a hang fails the test.
 */
#ifndef SMCSIM_TESTBED_H
#define SMCSIM_TESTBED_H

#include <stdbool.h>
#include <stdint.h>

#include <smcsim/invoke.h>
#include <smcsim/optee.h>
#include <smcsim/phys.h>
#include <smcsim/rt.h>
#include <smcsim/secure_world.h>
#include <smcsim/sw_ta.h>
#include <smcsim/tee_core.h>
#include <smcsim/tee_drv.h>

#define TB_WAIT_MS	10000

/**
 * struct tb_opts - how to build the stack
 * @profile:	ABI profile of both worlds (default UPSTREAM: 0 is PROPOSAL,
 *		so set it explicitly)
 * @threads:	secure threads, 0 = OP-TEE's 2
 * @no_async_notif: build the firmware without async notification
 * @no_irq:	do not hand the line to the driver
 * @front:	if set, called with the simulator's backend and returns the
 *		one the driver should use (a script or a hook in front)
 * @front_ctx:	for @front
 * @no_probe:	build the worlds only
 * @static_protmem: firmware with the static protected pool (cap bit 8)
 * @dynamic_protmem: firmware with LEND/RECLAIM_PROTMEM (cap bit 9)
 * @no_dynamic_shm: firmware without CFG_CORE_DYN_SHM: the driver then uses
 *		the reserved shm and passes every message by physical address
 */
struct tb_opts {
	enum smcsim_abi_profile profile;
	unsigned int threads;
	bool no_async_notif;
	bool no_irq;
	struct smcsim_invoke (*front)(void *front_ctx, struct smcsim_invoke sim);
	void *front_ctx;
	bool no_probe;
	bool static_protmem;
	bool dynamic_protmem;
	bool no_dynamic_shm;
};

/**
 * struct tb - the stack
 * @phys:	memory map
 * @sw:		secure world
 * @trace:	records every call the driver makes
 * @cls:	device class
 * @cfg:	what the driver was probed with
 * @optee:	the driver, NULL once removed
 * @teedev:	its client device
 */
struct tb {
	struct smcsim_phys *phys;
	struct smcsim_sw *sw;
	struct smcsim_trace trace;
	struct tee_class cls;
	struct optee_probe_cfg cfg;
	struct optee *optee;
	struct tee_device *teedev;
};

/** tb_start() - build (and probe unless @o->no_probe); fails the test on error */
void tb_start(struct tb *tb, const struct tb_opts *o);
/**
 * tb_try_start() - tb_start() without assertions, for deterministic runs
 * (tests/helpers/detbed.h), where a CMocka failure cannot unwind
 * Return: 0 or the failing step's negative errno (nothing left built).
 */
int tb_try_start(struct tb *tb, const struct tb_opts *o);
/** tb_remove() - optee_remove() on a thread, bounded; idempotent */
void tb_remove(struct tb *tb);
/** tb_stop() - remove, check nothing was left behind, free everything */
void tb_stop(struct tb *tb);
/**
 * tb_try_stop() - tb_stop() without assertions: remove on the calling
 * thread, free everything
 * Return: NULL, or what was left behind.
 */
const char *tb_try_stop(struct tb *tb);

/**
 * struct tb_left - secure state a test allows left over at most (a close
 *	or an unregister the firmware refused); 0 = none
 * @sessions:	secure sessions
 * @shms:	registered shared-memory objects
 * @reserved:	reserved system threads
 * @lent:	lent protected ranges
 */
struct tb_left {
	unsigned int sessions;
	unsigned int shms;
	unsigned int reserved;
	unsigned int lent;
};

/**
 * tb_quiet() - is the stack at rest, as after probe with no client? Every
 * secure thread FREE, at most as many secure sessions, reserved system
 * threads and lent protected ranges as @left allows (NULL: none); the driver's call
 * queue empty with every thread it counts free and no system-session
 * request; no notification waiter.
 * Return: NULL, or what is not at rest (in @buf).
 */
const char *tb_quiet(struct tb *tb, const struct tb_left *left, char *buf,
		     size_t len);
/**
 * tb_try_stop_left() - tb_try_stop() that allows @left (NULL: nothing)
 * of the secure world's sessions and registered shm after remove, and
 * DRAM pages kept when a lent range may be left
 */
const char *tb_try_stop_left(struct tb *tb, const struct tb_left *left);

struct tee_context *tb_open_ctx(struct tb *tb);
/** tb_open_session() - open a session to @uuid; Return: the TEE ret */
uint32_t tb_open_session(struct tee_context *ctx, const struct smcsim_uuid *uuid,
			 uint32_t *session);
/**
 * tb_try_invoke_values() - tb_invoke_values() without assertions
 * @rc:		the driver's result (tee_client_invoke_func())
 * Return: the TEE ret, or UINT32_MAX when the driver refused the call.
 */
uint32_t tb_try_invoke_values(struct tee_context *ctx, uint32_t session,
			      uint32_t func, const uint32_t types[4],
			      uint64_t v[4][2], int *rc);
/**
 * tb_invoke_values() - invoke @func with value params
 * @types:	TEE_IOCTL_PARAM_ATTR_TYPE_* of each of the 4 params
 * @v:		a/b of each param, in and out (may be NULL when all NONE)
 * Return: the TEE ret (the call itself must not fail).
 */
uint32_t tb_invoke_values(struct tee_context *ctx, uint32_t session,
			  uint32_t func, const uint32_t types[4],
			  uint64_t v[4][2]);

/* ---- work on another thread ----------------------------------------------- */

/**
 * struct tb_job - a function run on its own rt thread
 * @fn:		what runs; its return value is kept in @ret
 * @arg:	for @fn
 * @ret:	@fn's result
 * @done:	completed when @fn returned
 * @thr:	the thread
 */
struct tb_job {
	uint32_t (*fn)(void *arg);
	void *arg;
	uint32_t ret;
	struct rt_completion done;
	struct rt_thread *thr;
};

void tb_job_start(struct tb_job *j, const char *name, uint32_t (*fn)(void *),
		  void *arg);
/** tb_job_finished() - true if it returned (never blocks) */
bool tb_job_finished(struct tb_job *j);
/** tb_job_join() - wait at most @ms; fails the test on timeout. Return: ret */
uint32_t tb_job_join(struct tb_job *j, unsigned int ms);

/**
 * tb_wait_until() - poll @cond every millisecond for at most @ms
 * Return: true if it held in time.
 */
bool tb_wait_until(bool (*cond)(void *arg), void *arg, unsigned int ms);

/* ---- proving that memory faults ------------------------------------------- */

/* What tb_probe_read() reports. */
#define TB_PROBE_READ_OK	0	/* the byte was read */
#define TB_PROBE_FAULTED	42	/* the read raised SIGSEGV or SIGBUS */

/**
 * tb_probe_read() - smcsim_phys_probe_read() bounded by TB_WAIT_MS; fails
 * the test when the child neither read nor faulted in time
 * Return: TB_PROBE_READ_OK or TB_PROBE_FAULTED.
 */
int tb_probe_read(const void *p);

#endif /* SMCSIM_TESTBED_H */
