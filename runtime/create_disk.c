/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VPS with a disk of its own (annotation org.vps.disk, written by
 * `vps bundle --disk`): its image is checked and mounted detached here, on the
 * host side, before the clone (rootfs/disk.c); the init inherits the mount's fd
 * and moves it onto its rootfs inside its own mount namespace, so the disk is
 * never mounted in the host's mount table and goes with the VPS's last
 * process. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "rootfs/disk.h"
#include "runtime/create.h"
#include "util/fmt.h"

int vps_create_disk(struct cctx *c, vps_err *err)
{
	const char *name = oci_annotation(c->spec, VPS_ANN_DISK);
	if (!name)
		return 0;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return vps_errorx(err, EINVAL,
				  "config.json: .annotations[\"%s\"]: expected a file name in the "
				  "bundle directory, got \"%s\"",
				  VPS_ANN_DISK, name);
	if (!c->spec->lx.namespaces[OCI_NS_MOUNT].present)
		return vps_errorx(
		    err, EINVAL,
		    "config.json: .annotations[\"%s\"]: a disk needs a mount namespace",
		    VPS_ANN_DISK);
	char image[PATH_MAX];
	if (vps_snprintf(image, sizeof(image), "%s/%s", c->bundle, name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "%s/%s: path too long", c->bundle, name);
	/* setuid cannot work under no_new_privs: nosuid costs nothing there */
	return vps_disk_mount(image, c->spec->process->no_new_privileges, &c->disk_fd, err);
}
