/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ABI of OP-TEE pseudo TAs: the device-enumeration PTA the normal-world
 * driver itself talks to (OP-TEE's pta_device.h; Linux's optee/device.c),
 * and the invoke-tests PTA of builds with CFG_TEE_CORE_EMBED_INTERNAL_TESTS
 * (OP-TEE's pta_invoke_tests.h), which the conformance suite uses.
 */
#ifndef SMCSIM_OPTEE_PTA_H
#define SMCSIM_OPTEE_PTA_H

/* 7011a688-ddde-4053-a5a9-7b3c4ddf13b8 as RFC 4122 octets */
#define PTA_DEVICE_UUID_OCTETS \
	{ 0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53, \
	  0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 }
/* the same, as a struct smcsim_uuid initialiser (uuid.h) */
#define SMCSIM_PTA_DEVICE_UUID \
	{ 0x7011a688, 0xddde, 0x4053, \
	  { 0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 } }

/* [out] memref: the UUIDs of TA-backed devices, 16 octets each */
#define PTA_CMD_GET_DEVICES		0x0
/* the same, for devices that need tee-supplicant */
#define PTA_CMD_GET_DEVICES_SUPP	0x1
/* the same, for devices that need RPMB (OP-TEE re-probes RPMB first) */
#define PTA_CMD_GET_DEVICES_RPMB	0x2

/* d96a5b40-c3e5-21e3-8794-1002a5d5c61b as RFC 4122 octets */
#define PTA_INVOKE_TESTS_UUID_OCTETS \
	{ 0xd9, 0x6a, 0x5b, 0x40, 0xc3, 0xe5, 0x21, 0xe3, \
	  0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b }
/* the same, as a struct smcsim_uuid initialiser (uuid.h) */
#define SMCSIM_PTA_INVOKE_TESTS_UUID \
	{ 0xd96a5b40, 0xc3e5, 0x21e3, \
	  { 0x87, 0x94, 0x10, 0x02, 0xa5, 0xd5, 0xc6, 0x1b } }

/* Logs a line; params not looked at; SUCCESS. */
#define PTA_INVOKE_TESTS_CMD_TRACE		0
/*
 * The param types pick the test: one VALUE_INOUT (a = a + b); one
 * VALUE_OUTPUT and three VALUE_INPUT (out.a, out.b = the sums of the
 * inputs' a and b); one MEMREF_INOUT (byte 0 = the 8-bit sum of its
 * bytes). Anything else: BAD_PARAMETERS.
 */
#define PTA_INVOKE_TESTS_CMD_PARAMS		1
#define PTA_INVOKE_TESTS_CMD_SELF_TESTS		2
/* [in] memref non-secure, [out] memref secure data path memory */
#define PTA_INVOKE_TESTS_CMD_COPY_NSEC_TO_SEC	3
/* [inout] memref secure data path memory: each byte negated */
#define PTA_INVOKE_TESTS_CMD_READ_MODIFY_SEC	4
/* [in] memref secure data path memory, [out] memref non-secure */
#define PTA_INVOKE_TESTS_CMD_COPY_SEC_TO_NSEC	5
#define PTA_INVOKE_TESTS_CMD_FS_HTREE		6
#define PTA_INVOKE_TESTS_CMD_MUTEX		7
#define PTA_INVOKE_TESTS_CMD_LOCKDEP		8
#define PTA_INVOKE_TESTS_CMD_AES_PERF		9
/* [inout] memref that must arrive NULL with size 0 */
#define PTA_INVOKE_TESTS_CMD_MEMREF_NULL	10
#define PTA_INVOKE_TESTS_CMD_DT_DRIVER_TESTS	11
#define PTA_INVOKE_TESTS_CMD_TRANSFER_LIST_TESTS 12

#endif /* SMCSIM_OPTEE_PTA_H */
