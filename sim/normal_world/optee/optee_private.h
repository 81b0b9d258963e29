/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private state of the normal-world OP-TEE driver (after Linux's
 * drivers/tee/optee/optee_private.h). Only sim/normal_world/optee uses it.
 */
#ifndef OPTEE_PRIVATE_H
#define OPTEE_PRIVATE_H

#include <smcsim/optee.h>
#include <smcsim/tee_core.h>

/*
 * How often probe and remove retry a busy SHM-cache call, and how many
 * cached RPC arguments a drain accepts, before giving up. Linux loops
 * without a bound on both; a firmware that answers EBUSY or OK forever
 * would hang it.
 */
#define OPTEE_SHM_CACHE_BUSY_RETRIES	16
#define OPTEE_SHM_CACHE_DRAIN_MAX	1024

/**
 * struct optee - one probed OP-TEE
 * @cfg:		what the platform gave to probe
 * @info:		what probe negotiated
 * @cls:		device class the devices are numbered in
 * @own_cls:		used as @cls when the platform gave none
 * @teedev:		client device "tee<N>"
 * @supp_teedev:	supplicant device "teepriv<N>"
 * @ctx:		the driver's own context (optee->ctx in Linux)
 * @pool:		shared-memory pool of @teedev
 */
struct optee {
	struct optee_probe_cfg cfg;
	struct optee_info info;
	struct tee_class *cls;
	struct tee_class own_cls;
	struct tee_device *teedev;
	struct tee_device *supp_teedev;
	struct tee_context *ctx;
	struct tee_shm_pool *pool;
};

/**
 * struct optee_context_data - per-context driver state
 * @supp:	the context is the supplicant's
 */
struct optee_context_data {
	bool supp;
};

/* core.c */
extern const struct tee_desc optee_clnt_desc;
extern const struct tee_desc optee_supp_desc;
void optee_log(const struct optee_probe_cfg *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* shm_pool.c */
/**
 * optee_shm_pool_alloc_pages() - the dynamic pool: pages of normal-world
 * DRAM, one run per allocation. Return: 0, -ENOMEM.
 */
int optee_shm_pool_alloc_pages(struct smcsim_phys *phys,
			       struct tee_shm_pool **out);

#endif /* OPTEE_PRIVATE_H */
