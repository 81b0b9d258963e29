/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stand-in for optee_client's tee-supplicant, for tests and the demo: a
 * normal-world "user-space" thread that opens the supplicant device and
 * serves the secure world's requests through tee_supp_recv/tee_supp_send
 * (the synchronous form), as the real daemon does through
 * TEE_IOC_SUPPL_RECV/SEND:
 *
 *  - SHM_ALLOC / SHM_FREE of application memory (type APPL), allocated in
 *    its own context and named by shm id;
 *  - LOAD_TA from an in-memory table or a directory of <uuid>.ta files,
 *    answering a NULL or short buffer with the size needed (SUCCESS for a
 *    NULL one, SHORT_BUFFER for a short one, as tee-supplicant's load_ta);
 *  - FS (OPEN, CREATE, CLOSE, READ, WRITE, TRUNCATE, REMOVE, RENAME) on an
 *    in-memory REE file system, which outlives the supplicant so that a
 *    restarted one serves the same files; OPENDIR/CLOSEDIR/READDIR and
 *    every other command get TEE_ERROR_NOT_SUPPORTED;
 *  - RPMB (GET_DEV_INFO and DATA_REQ) on a simulated eMMC RPMB device
 *    (rpmb.h) it is given, as tee-supplicant's rpmb.c does on /dev/mmcblkN
 *    (device 0 only); without a device, TEE_ERROR_NOT_SUPPORTED.
 *
 * A hook sees each request first and may delay it, answer it with a chosen
 * result, corrupt the answer, or make the supplicant die there (its
 * context closes without an answer, as when the daemon is killed); a post
 * hook sees each served answer before it is sent, and may rewrite it (an
 * attacker in the normal world tampering with RPMB response frames).
 */
#ifndef SMCSIM_SUPPLICANT_H
#define SMCSIM_SUPPLICANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smcsim/tee_drv.h>
#include <smcsim/uuid.h>

struct tee_device;
struct smcsim_rpmb_dev;
struct smcsim_supp;

/* ---- the store: TAs to serve and the REE file system -------------------- */

struct smcsim_supp_store;

/** smcsim_supp_store_create() - an empty store; Return: 0, -ENOMEM */
int smcsim_supp_store_create(struct smcsim_supp_store **out);
/** smcsim_supp_store_destroy() - free it; no supplicant may use it */
void smcsim_supp_store_destroy(struct smcsim_supp_store *st);
/**
 * smcsim_supp_store_add_ta() - serve @len bytes at @data for TA @uuid
 * (copied; replaces an earlier entry). Found before the TA directory.
 * Return: 0, -EINVAL, -ENOMEM.
 */
int smcsim_supp_store_add_ta(struct smcsim_supp_store *st,
			     const struct smcsim_uuid *uuid, const void *data,
			     size_t len);
/**
 * smcsim_supp_store_read_file() - a file of the REE file system
 * @buf:	receives up to *@len bytes (may be NULL with *@len 0)
 * @len:	in: room; out: the file's size
 * Return: 0, -ENOENT.
 */
int smcsim_supp_store_read_file(struct smcsim_supp_store *st, const char *name,
				void *buf, size_t *len);
/** smcsim_supp_store_file_count() - files in the REE file system */
unsigned int smcsim_supp_store_file_count(struct smcsim_supp_store *st);

/* ---- the supplicant ------------------------------------------------------ */

/**
 * enum smcsim_supp_verdict - what the hook wants done with a request
 * @SMCSIM_SUPP_SERVE:	serve it
 * @SMCSIM_SUPP_ANSWER:	do not serve; answer with smcsim_supp_action.ret
 * @SMCSIM_SUPP_CORRUPT: serve, then XOR smcsim_supp_action.corrupt into
 *			every value output (a, b, c) and memref output size
 * @SMCSIM_SUPP_DIE:	die now, without answering
 */
enum smcsim_supp_verdict {
	SMCSIM_SUPP_SERVE,
	SMCSIM_SUPP_ANSWER,
	SMCSIM_SUPP_CORRUPT,
	SMCSIM_SUPP_DIE,
};

/**
 * struct smcsim_supp_action - the hook's answer (starts as SERVE, no delay)
 * @delay_ms:	sleep this long before acting
 * @verdict:	see enum smcsim_supp_verdict
 * @ret:	for SMCSIM_SUPP_ANSWER
 * @corrupt:	for SMCSIM_SUPP_CORRUPT
 */
struct smcsim_supp_action {
	unsigned int delay_ms;
	enum smcsim_supp_verdict verdict;
	uint32_t ret;
	uint64_t corrupt;
};

/**
 * smcsim_supp_hook_fn - called on the supplicant's thread before each request
 * @nr:		the request's number, from 1 for this supplicant
 * @func:	the RPC command (OPTEE_RPC_CMD_*)
 * @param:	its @num_params params, read-only
 */
typedef void (*smcsim_supp_hook_fn)(void *ctx, unsigned int nr, uint32_t func,
				    const struct tee_param *param,
				    uint32_t num_params,
				    struct smcsim_supp_action *act);

/**
 * smcsim_supp_post_fn - called on the supplicant's thread after a request
 * was served (or answered by the hook), before the answer goes back
 * @nr, @func:	as for smcsim_supp_hook_fn
 * @param:	its @num_params params with their outputs; memref contents
 *		are reachable with tee_shm_get_va()
 * @ret:	the TEE result about to be sent; may be changed
 */
typedef void (*smcsim_supp_post_fn)(void *ctx, unsigned int nr, uint32_t func,
				    struct tee_param *param,
				    uint32_t num_params, uint32_t *ret);

/**
 * struct smcsim_supp_cfg - how to run
 * @ta_dir:	directory of TA files "<uuid>.ta" (lower-case UUID), or NULL
 * @store:	TAs and files to share with other supplicants (borrowed), or
 *		NULL for a private one
 * @hook:	may be NULL
 * @hook_ctx:	for @hook
 * @die_at:	die at this request number without answering (0: never);
 *		applied before @hook, which may still change it
 * @post_hook:	may be NULL; gets @hook_ctx
 * @rpmb:	the RPMB device to serve RPC RPMB with (borrowed), or NULL
 */
struct smcsim_supp_cfg {
	const char *ta_dir;
	struct smcsim_supp_store *store;
	smcsim_supp_hook_fn hook;
	void *hook_ctx;
	unsigned int die_at;
	smcsim_supp_post_fn post_hook;
	struct smcsim_rpmb_dev *rpmb;
};

/**
 * struct smcsim_supp_stats - what a supplicant did
 * @requests:	requests received
 * @answered:	answers the driver accepted
 * @refused:	answers the driver refused (its requester was gone)
 * @shm_live:	application shm it holds now
 * @dead:	its thread has ended and its context is closed
 */
struct smcsim_supp_stats {
	unsigned int requests;
	unsigned int answered;
	unsigned int refused;
	unsigned int shm_live;
	bool dead;
};

/**
 * smcsim_supp_start() - open the supplicant device and start serving
 * @supp_teedev: the driver's supplicant device (optee_supp_teedev())
 * @cfg:	copied; NULL for defaults
 * Return: 0 and *@out; -EBUSY when another supplicant has the device, or
 * what teedev_open() or rt_thread_create() returned, or -ENOMEM.
 */
int smcsim_supp_start(struct tee_device *supp_teedev,
		      const struct smcsim_supp_cfg *cfg,
		      struct smcsim_supp **out);
/**
 * smcsim_supp_stop() - kill the supplicant (rt_thread_kill), join its
 * thread, free its shm and close its context: the driver ends what it had
 * with COMMUNICATION. Works on one that already died. NULL is ignored.
 */
void smcsim_supp_stop(struct smcsim_supp *s);
/** smcsim_supp_get_stats() - a snapshot */
void smcsim_supp_get_stats(struct smcsim_supp *s, struct smcsim_supp_stats *st);
/** smcsim_supp_store() - the store it serves from */
struct smcsim_supp_store *smcsim_supp_store(struct smcsim_supp *s);

#endif /* SMCSIM_SUPPLICANT_H */
