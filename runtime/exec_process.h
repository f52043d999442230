/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building the process object for `exec` (exec_process.c). */
#pragma once
#include <fcntl.h>

#include "runtime/internal.h"

struct vps_exec_process {
	struct oci_process proc;   /* shallow: strings belong to the spec or owned */
	struct oci_process *owned; /* from -p FILE */
	char **args, **env;	   /* arrays we allocated */
	gid_t *gids;
};
int vps_exec_process_build(const struct oci_spec *spec, const struct vps_exec_opts *o,
			   struct vps_exec_process *ep, vps_err *err);
void vps_exec_process_free(struct vps_exec_process *ep);
