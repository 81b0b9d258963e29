/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ABI of OP-TEE pseudo TAs the normal-world driver itself talks to: the
 * device-enumeration PTA (OP-TEE's pta_device.h; Linux's optee/device.c).
 */
#ifndef SMCSIM_OPTEE_PTA_H
#define SMCSIM_OPTEE_PTA_H

/* 7011a688-ddde-4053-a5a9-7b3c4ddf13b8 as RFC 4122 octets */
#define PTA_DEVICE_UUID_OCTETS \
	{ 0x70, 0x11, 0xa6, 0x88, 0xdd, 0xde, 0x40, 0x53, \
	  0xa5, 0xa9, 0x7b, 0x3c, 0x4d, 0xdf, 0x13, 0xb8 }

/* [out] memref: the UUIDs of TA-backed devices, 16 octets each */
#define PTA_CMD_GET_DEVICES		0x0
/* the same, for devices that need tee-supplicant */
#define PTA_CMD_GET_DEVICES_SUPP	0x1
/* the same, for devices that need RPMB (OP-TEE re-probes RPMB first) */
#define PTA_CMD_GET_DEVICES_RPMB	0x2

#endif /* SMCSIM_OPTEE_PTA_H */
