/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RPC commands a secure thread sends to the normal world inside an
 * OPTEE_SMC_RETURN_RPC_CMD (optee_msg_arg.cmd of the RPC argument), with the
 * sub-command values of those that have them (docs/abi.md section 7).
 */
#ifndef SMCSIM_OPTEE_RPC_CMD_H
#define SMCSIM_OPTEE_RPC_CMD_H

#define OPTEE_RPC_CMD_LOAD_TA			0
#define OPTEE_RPC_CMD_RPMB			1
#define OPTEE_RPC_CMD_FS			2
#define OPTEE_RPC_CMD_GET_TIME			3
#define OPTEE_RPC_CMD_NOTIFICATION		4
#define OPTEE_RPC_CMD_SUSPEND			5
#define OPTEE_RPC_CMD_SHM_ALLOC			6
#define OPTEE_RPC_CMD_SHM_FREE			7
#define OPTEE_RPC_CMD_SQL_FS_RESERVED		8
#define OPTEE_RPC_CMD_GPROF			9
#define OPTEE_RPC_CMD_SOCKET			10
#define OPTEE_RPC_CMD_FTRACE			11
#define OPTEE_RPC_CMD_SUPP_PLUGIN		12
#define OPTEE_RPC_CMD_BENCH_REG			20
#define OPTEE_RPC_CMD_I2C_TRANSFER		21
#define OPTEE_RPC_CMD_RPMB_PROBE_RESET		22
#define OPTEE_RPC_CMD_RPMB_PROBE_NEXT		23
#define OPTEE_RPC_CMD_RPMB_FRAMES		24

/* NOTIFICATION params[0].a */
#define OPTEE_RPC_NOTIFICATION_WAIT		0
#define OPTEE_RPC_NOTIFICATION_SEND		1

/* SHM_ALLOC / SHM_FREE params[0].a */
/*
 * SUPP_PLUGIN params (OP-TEE's tee_invoke_supp_plugin_rpc()): [0] VALUE_IN
 * a = INVOKE, b/c = UUID words 0/1; [1] VALUE_IN a/b = UUID words 2/3,
 * c = cmd; [2] VALUE_INOUT a = sub_cmd, b = out length; [3] MEMREF_INOUT
 * data. The words are the UUID's 16 octets read as four native u32.
 */
#define OPTEE_RPC_SUPP_PLUGIN_INVOKE		0

#define OPTEE_RPC_SHM_TYPE_APPL			0
#define OPTEE_RPC_SHM_TYPE_KERNEL		1
#define OPTEE_RPC_SHM_TYPE_GLOBAL		2

/* FS params[0].a */
#define OPTEE_RPC_FS_OPEN			0
#define OPTEE_RPC_FS_CREATE			1
#define OPTEE_RPC_FS_CLOSE			2
#define OPTEE_RPC_FS_READ			3
#define OPTEE_RPC_FS_WRITE			4
#define OPTEE_RPC_FS_TRUNCATE			5
#define OPTEE_RPC_FS_REMOVE			6
#define OPTEE_RPC_FS_RENAME			7
#define OPTEE_RPC_FS_OPENDIR			8
#define OPTEE_RPC_FS_CLOSEDIR			9
#define OPTEE_RPC_FS_READDIR			10

/* SOCKET params[0].a */
#define OPTEE_RPC_SOCKET_OPEN			0
#define OPTEE_RPC_SOCKET_CLOSE			1
#define OPTEE_RPC_SOCKET_CLOSE_ALL		2
#define OPTEE_RPC_SOCKET_SEND			3
#define OPTEE_RPC_SOCKET_RECV			4
#define OPTEE_RPC_SOCKET_IOCTL			5
#define OPTEE_RPC_SOCKET_TIMEOUT_NONBLOCKING	0
#define OPTEE_RPC_SOCKET_TIMEOUT_BLOCKING	0xffffffff

/* I2C_TRANSFER */
#define OPTEE_RPC_I2C_TRANSFER_RD		0
#define OPTEE_RPC_I2C_TRANSFER_WR		1
#define OPTEE_RPC_I2C_FLAGS_TEN_BIT		(1U << 0)

/* RPMB_PROBE_NEXT params[0].a */
#define OPTEE_RPC_RPMB_EMMC			0

#endif /* SMCSIM_OPTEE_RPC_CMD_H */
