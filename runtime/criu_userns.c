/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Restoring a VPS with a user namespace of its own: CRIU recreates that
 * namespace with the maps the dump recorded and its restored tasks, already
 * inside it, open their images themselves (openat on the image directory's
 * fd, criu/image.c). The root task does so both before CRIU has written its
 * id maps (timens-N.img, right after the clone: its credentials are still
 * the host root's) and after it became the namespace's root (tty-info.img,
 * ...: the VPS's root, an unprivileged host id, to which the host root's 0700
 * image directory is closed: "Unable to open tty-info.img: Permission
 * denied"). The files are readable by all (CRIU writes them 0644; only the
 * directory keeps them private). So, while CRIU runs, the directory's group
 * is the VPS's root group with search permission (0710): the host root stays
 * its owner, the VPS's root may look its images up; then both are given
 * back. The images hold the VPS's own memory: its own root reading them
 * tells it nothing new. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/criu.h"
#include "util/log.h"

int vps_ckpt_images_lend(const char *image, const struct oci_linux *lx, struct vps_ckpt_lend *l,
			 vps_err *err)
{
	const struct oci_namespace *user = &lx->namespaces[OCI_NS_USER];
	uint32_t gid;
	struct stat st;
	*l = (struct vps_ckpt_lend){.fd = -1};
	if (!user->present || user->path ||
	    !oci_idmap_to_host(lx->gid_mappings, lx->n_gid_mappings, 0, &gid))
		return 0; /* no namespace of CRIU's making, or no root group in it */
	int fd = open(image, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return vps_error(err, e, "--image-path %s", image);
	}
	if ((st.st_mode & S_IXOTH) || (st.st_gid == gid && (st.st_mode & S_IXGRP))) {
		close(fd); /* open to the VPS's root already */
		return 0;
	}
	if (fchown(fd, (uid_t)-1, gid) < 0 || fchmod(fd, (st.st_mode & 07777) | S_IXGRP) < 0) {
		int e = errno;
		(void)!fchown(fd, (uid_t)-1, st.st_gid);
		close(fd);
		return vps_error(err, e, "--image-path %s: open it to the VPS's root group %u",
				 image, gid);
	}
	*l = (struct vps_ckpt_lend){.fd = fd, .gid = st.st_gid, .mode = st.st_mode & 07777};
	return 0;
}

void vps_ckpt_images_return(struct vps_ckpt_lend *l)
{
	if (l->fd < 0)
		return;
	if (fchmod(l->fd, l->mode) < 0 || fchown(l->fd, (uid_t)-1, l->gid) < 0)
		log_warn("image directory: give it back (group %u, mode %04o): %s",
			 (unsigned)l->gid, (unsigned)l->mode, strerror(errno));
	close(l->fd);
	l->fd = -1;
}
