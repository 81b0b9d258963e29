// SPDX-License-Identifier: BSD-2-Clause
/*
 * Yielding ("standard") calls. As in OP-TEE, every yielding call but
 * RETURN_FROM_RPC first takes the lowest FREE thread (or gets ETHREAD_LIMIT
 * at once) and only then looks at the function ID, so an unknown ID costs a
 * thread and answers EBADCMD, never UNKNOWN_FUNCTION (abi-facts.md 2, 8.1).
 *
 * Running messages on the secure threads (CALL_WITH_ARG and friends) is the
 * yielding-calls issue (#3); until then those calls answer EBADCMD after
 * taking and releasing a thread, which keeps ETHREAD_LIMIT and ERESUME
 * accounting exact.
 */
#include "sw_private.h"

/* Return: thread index taken, or -1 when none is FREE. */
static int sw_thread_alloc(struct smcsim_sw *sw)
{
	unsigned int i;
	int idx = -1;

	rt_mutex_lock(&sw->lock);
	for (i = 0; i < sw->cfg.num_threads; i++) {
		if (sw->threads[i].state == SMCSIM_SW_THREAD_FREE) {
			sw->threads[i].state = SMCSIM_SW_THREAD_ACTIVE;
			idx = (int)i;
			break;
		}
	}
	rt_mutex_unlock(&sw->lock);
	return idx;
}

static void sw_thread_free(struct smcsim_sw *sw, int idx)
{
	rt_mutex_lock(&sw->lock);
	sw->threads[idx].state = SMCSIM_SW_THREAD_FREE;
	rt_mutex_unlock(&sw->lock);
}

static void std_return_from_rpc(struct smcsim_sw *sw, struct sw_args *args)
{
	uint32_t id = sw_reg32(args->a[3]);
	bool suspended = false;

	rt_mutex_lock(&sw->lock);
	if (id < sw->cfg.num_threads)
		suspended = sw->threads[id].state == SMCSIM_SW_THREAD_SUSPENDED;
	rt_mutex_unlock(&sw->lock);

	if (!suspended)
		sw_log(sw, "RETURN_FROM_RPC: thread %u is not suspended", id);
	/*
	 * Nothing changes and no thread is consumed. Resuming a suspended
	 * thread comes with the RPCs of issue 3; until then none can be.
	 */
	args->a[0] = OPTEE_SMC_RETURN_ERESUME;
}

void sw_entry_std(struct smcsim_sw *sw, struct sw_args *args)
{
	uint32_t fid = sw_reg32(args->a[0]);
	int idx;

	if (fid == OPTEE_SMC_CALL_RETURN_FROM_RPC) {
		std_return_from_rpc(sw, args);
		return;
	}

	idx = sw_thread_alloc(sw);
	if (idx < 0) {
		/* a1..a3 are not defined after ETHREAD_LIMIT; callers ignore them. */
		args->a[0] = OPTEE_SMC_RETURN_ETHREAD_LIMIT;
		return;
	}

	switch (fid) {
	case OPTEE_SMC_CALL_WITH_ARG:
	case OPTEE_SMC_CALL_WITH_RPC_ARG:
	case OPTEE_SMC_CALL_WITH_REGD_ARG:
		sw_log(sw, "yielding call 0x%x: message calls are not modelled "
		       "yet (issue 3), answering EBADCMD", fid);
		args->a[0] = OPTEE_SMC_RETURN_EBADCMD;
		break;
	default:
		args->a[0] = OPTEE_SMC_RETURN_EBADCMD;
		break;
	}
	/* A yielding call that completes returns a1..a3 = 0. */
	args->a[1] = 0;
	args->a[2] = 0;
	args->a[3] = 0;
	sw_thread_free(sw, idx);
}
