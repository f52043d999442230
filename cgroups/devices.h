/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroups/ private: device rules for v1 and the v2 BPF program. */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "cgroups/internal.h"

extern const struct oci_device_rule cg_default_devices[];
extern const size_t cg_n_default_devices;

int cg_device_rule_ok(const struct oci_device_rule *d, char *why, size_t whysz);
/* v1 devices.allow/deny syntax: "c 1:3 rwm", "a". */
void cg_device_rule_str(const struct oci_device_rule *d, char *out, size_t sz);

/* BPF_PROG_TYPE_CGROUP_DEVICE program for rules (then the defaults), last
 * matching rule wins as on v1. insns: room for max instructions (8 bytes each). */
struct bpf_insn;
int cg_devices_bpf_build(const struct oci_device_rule *rules, size_t n, struct bpf_insn *insns,
			 size_t max, size_t *len);
/* Build and load it (*fd: the program). */
int cg_devices_bpf_load(const struct oci_device_rule *rules, size_t n, int *fd, vps_err *err);
/* Build, load and attach it to h's directory (replacing what vps attached before). */
int cg_devices_bpf_attach(struct cg_hier *h, const struct oci_device_rule *rules, size_t n,
			  vps_err *err);
