/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What QEMU may do to the host. QEMU shares the bundle's rootfs with the guest
 * over 9p with security_model=passthrough (the tree stays usable by container
 * mode: real owners, modes and symlinks) and runs as host root, because it must
 * read and write files of many owners. So guest root writes real files, and the
 * host must never get a setuid/setgid file, a device node or a file capability
 * out of it. Three walls, none of which the guest can move:
 * - the share is a detached clone of the rootfs mount with nosuid and nodev, so
 *   nothing is executed or opened as a device through QEMU's own view;
 * - QEMU's capability bounding set keeps only CHOWN, DAC_OVERRIDE,
 *   DAC_READ_SEARCH and FOWNER (no MKNOD: no device nodes; no SETFCAP: no file
 *   capabilities; no FSETID, SETUID, SYS_ADMIN ...), with no_new_privs;
 * - a seccomp filter (under QEMU's own -sandbox) refuses every mode that has
 *   S_ISUID or S_ISGID: chmod, fchmod, fchmodat and file creation through open,
 *   openat, creat; fchmodat2 and openat2 (whose mode libseccomp cannot see) say
 *   ENOSYS so callers fall back, and io_uring (which bypasses seccomp) is off.
 *   The guest sees EPERM for a setuid/setgid chmod. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/internal.h"
#include "runtime/vm/vm.h"

#define NR_FCHMODAT2 452 /* Linux 6.6; newer than this libseccomp's tables */

int vps_vm_share_fd(int rootfs_fd, bool readonly)
{
	int fd = open_tree(rootfs_fd, "",
			   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (fd < 0)
		return -errno;
	struct mount_attr a = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					   (readonly ? MOUNT_ATTR_RDONLY : 0)};
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Deny syscall nr when its mode argument has a set-id bit (and, with flag_arg
 * >= 0, when its flags argument creates a file). */
static int deny_setid(scmp_filter_ctx c, int nr, int mode_arg, int flag_arg)
{
	static const unsigned long bits[] = {S_ISUID, S_ISGID};
	static const unsigned long creates[] = {O_CREAT, __O_TMPFILE};
	int r = 0;
	for (size_t b = 0; b < 2 && r == 0; b++) {
		struct scmp_arg_cmp mode = {(unsigned)mode_arg, SCMP_CMP_MASKED_EQ, bits[b],
					    bits[b]};
		if (flag_arg < 0) {
			r = seccomp_rule_add_array(c, SCMP_ACT_ERRNO(EPERM), nr, 1, &mode);
			continue;
		}
		for (size_t f = 0; f < 2 && r == 0; f++) {
			struct scmp_arg_cmp cmp[2] = {
			    mode, {(unsigned)flag_arg, SCMP_CMP_MASKED_EQ, creates[f], creates[f]}};
			r = seccomp_rule_add_array(c, SCMP_ACT_ERRNO(EPERM), nr, 2, cmp);
		}
	}
	return r;
}

static int install_filter(void)
{
	scmp_filter_ctx c = seccomp_init(SCMP_ACT_ALLOW);
	if (!c)
		return -ENOMEM;
	int r = deny_setid(c, SCMP_SYS(chmod), 1, -1);
	r = r ?: deny_setid(c, SCMP_SYS(fchmod), 1, -1);
	r = r ?: deny_setid(c, SCMP_SYS(fchmodat), 2, -1);
	r = r ?: deny_setid(c, SCMP_SYS(creat), 1, -1);
	r = r ?: deny_setid(c, SCMP_SYS(open), 2, 1);
	r = r ?: deny_setid(c, SCMP_SYS(openat), 3, 2);
	r = r ?: seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), NR_FCHMODAT2, 0);
	r = r ?: seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
	r = r ?: seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_setup), 0);
	r = r ?: seccomp_load(c);
	seccomp_release(c);
	return r;
}

int vps_vm_drop_privs(void)
{
	struct oci_caps keep = {.bounding = 1ULL << CAP_CHOWN | 1ULL << CAP_DAC_OVERRIDE |
					    1ULL << CAP_DAC_READ_SEARCH | 1ULL << CAP_FOWNER};
	vps_err err;
	if (vps_caps_drop_bounding(&keep, &err) < 0)
		return -err.code;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return install_filter();
}
