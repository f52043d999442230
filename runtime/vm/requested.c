/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The single question the lifecycle asks: does this bundle want a VM? */
#include <string.h>

#include "runtime/vm/vm.h"

bool vps_vm_requested(const struct oci_spec *spec)
{
	const char *v = oci_annotation(spec, VPS_VM_ANNOTATION);
	return v && strcmp(v, "vm") == 0;
}
