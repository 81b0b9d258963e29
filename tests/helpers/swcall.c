// SPDX-License-Identifier: BSD-2-Clause
/*
 * A secure world driven by hand (swcall.h).
 */
#include <errno.h>
#include <string.h>

#include <smcsim/pgalloc.h>

#include "swcall.h"

#define SWC_RPC_ARG_SIZE \
	OPTEE_MSG_GET_ARG_SIZE(OPTEE_SMC_THREAD_RPC_MAX_NUM_PARAMS)

int swc_start(struct swc *c)
{
	struct smcsim_phys_config pcfg;
	struct smcsim_sw_config cfg;
	struct smcsim_phys_region r;
	int rc;

	memset(c, 0, sizeof(*c));
	smcsim_phys_config_default(&pcfg);
	rc = smcsim_phys_create(&pcfg, &c->phys);
	if (rc)
		return rc;
	rc = smcsim_phys_region_get(c->phys, SMCSIM_MEM_NS_SHM, &r);
	if (rc)
		goto err_phys;
	c->arg = smcsim_phys_map(c->phys, SMCSIM_WORLD_NORMAL, r.base,
				 SMCSIM_PAGE_SIZE);
	if (!c->arg) {
		rc = -EFAULT;
		goto err_phys;
	}
	smcsim_sw_config_default(&cfg, SMCSIM_ABI_UPSTREAM, c->phys);
	rc = smcsim_sw_create(&cfg, &c->sw);
	if (rc)
		goto err_phys;
	return 0;

err_phys:
	smcsim_phys_destroy(c->phys);
	c->phys = NULL;
	return rc;
}

void swc_stop(struct swc *c)
{
	smcsim_sw_destroy(c->sw);
	smcsim_phys_destroy(c->phys);
	memset(c, 0, sizeof(*c));
}

static void swc_smc(struct swc *c, unsigned long a0, unsigned long a1,
		    unsigned long a2, unsigned long a3, unsigned long a4,
		    unsigned long a5, struct arm_smccc_res *res)
{
	const unsigned long a[8] = { a0, a1, a2, a3, a4, a5, 0, 0 };

	memset(res, 0x5A, sizeof(*res));
	smcsim_sw_smc(c->sw, a, res);
}

void swc_open(struct swc *c, const struct smcsim_uuid *uuid,
	      struct arm_smccc_res *res)
{
	struct optee_msg_arg *arg = c->arg;
	struct smcsim_phys_region r;

	smcsim_phys_region_get(c->phys, SMCSIM_MEM_NS_SHM, &r);
	memset(arg, 0, OPTEE_MSG_GET_ARG_SIZE(2) + SWC_RPC_ARG_SIZE);
	arg->cmd = OPTEE_MSG_CMD_OPEN_SESSION;
	arg->num_params = 2;
	arg->params[0].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	smcsim_uuid_to_octets(uuid, arg->params[0].u.octets);
	arg->params[1].attr = OPTEE_MSG_ATTR_TYPE_VALUE_INPUT |
			      OPTEE_MSG_ATTR_META;
	arg->params[1].u.value.c = OPTEE_MSG_LOGIN_PUBLIC;
	c->rpc_arg = (struct optee_msg_arg *)((uint8_t *)arg +
					      OPTEE_MSG_GET_ARG_SIZE(2));
	swc_smc(c, OPTEE_SMC_CALL_WITH_RPC_ARG, reg_pair_hi(r.base),
		reg_pair_lo(r.base), 0, 0, 0, res);
}

void swc_return_from_rpc(struct swc *c, const struct arm_smccc_res *rpc,
			 struct arm_smccc_res *res)
{
	c->rpc_arg->ret = 0;
	c->rpc_arg->ret_origin = 0;
	swc_smc(c, OPTEE_SMC_CALL_RETURN_FROM_RPC, rpc->a1, rpc->a2, rpc->a3,
		0, 0, res);
}
