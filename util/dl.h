/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Optional libraries loaded when first needed, not linked: vps maps and
 * relocates only what a command uses (libnftables for NAT, liblzma for a VM
 * kernel). The handle stays loaded (RTLD_NODELETE). */
#pragma once
#include <stddef.h>

#include "util/err.h"

struct vps_dl_sym {
	void **fn;
	const char *name;
};

/* dlopen LIB and resolve every SYMS[i].name into *SYMS[i].fn; WHAT names the
 * feature in the error ("nftables: cannot load libnftables.so.1: ..."). */
int vps_dl_load(const char *lib, const struct vps_dl_sym *syms, size_t n, const char *what,
		vps_err *err);
