/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs/mountopts.c: runc's option words -> mount(2) flags, mount_setattr
 * attributes (top and recursive), propagation in order, filesystem data. */
#include <sys/mount.h>

#include "rootfs/internal.h"
#include "tests/unit/tap.h"

static struct vps_mntopts parse(char **w, size_t n)
{
	struct vps_mntopts o;
	vps_err e = {0};
	if (vps_mntopts_parse(w, n, &o, &e) < 0)
		printf("# %s\n", e.msg);
	return o;
}

int main(void)
{
	char *a[] = {"nosuid", "nodev", "noexec", "ro", "size=1m", "mode=755"};
	struct vps_mntopts o = parse(a, 6);
	is_int(o.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "flags");
	is_int(o.attr_set,
	       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY,
	       "the same as mount_setattr attributes");
	is_str(o.data, "size=1m,mode=755", "unknown words are filesystem data, in order");
	vps_mntopts_free(&o);

	char *b[] = {"ro", "rw", "nosuid", "suid", "exec"};
	o = parse(b, 5);
	is_int(o.flags, 0, "later words undo earlier ones");
	is_int(o.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
	       "and clear the attributes explicitly");
	is_int(o.attr_set, 0, "nothing set");

	char *c[] = {"noatime"};
	o = parse(c, 1);
	ok(o.attr_set == MOUNT_ATTR_NOATIME && o.attr_clr == MOUNT_ATTR__ATIME,
	   "noatime sets the atime field (clearing it first)");
	char *d[] = {"noatime", "relatime"};
	o = parse(d, 2);
	ok(o.attr_set == 0 && o.attr_clr == MOUNT_ATTR__ATIME && (o.flags & MS_RELATIME),
	   "relatime (value 0) replaces noatime");
	char *e2[] = {"strictatime", "nodiratime"};
	o = parse(e2, 2);
	ok(o.attr_set == (MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NODIRATIME),
	   "strictatime and nodiratime are independent");

	char *f[] = {"rbind", "rro", "rnosuid", "rnoexec", "rrelatime"};
	o = parse(f, 5);
	ok(o.bind && o.rec, "rbind: bind + recursive");
	is_int(o.rattr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
	       "recursive attributes");
	is_int(o.rattr_clr, MOUNT_ATTR__ATIME, "rrelatime clears the recursive atime field");
	is_int(o.attr_set, 0, "nothing for the top mount alone");

	char *g[] = {"bind", "shared", "rslave", "private", "runbindable"};
	o = parse(g, 5);
	ok(o.bind && !o.rec, "bind is not recursive");
	ok(o.n_prop == 4 && o.prop[0] == MS_SHARED && o.prop[1] == (MS_SLAVE | MS_REC) &&
	       o.prop[2] == MS_PRIVATE && o.prop[3] == (MS_UNBINDABLE | MS_REC),
	   "propagation changes kept in order, r-variants recursive");

	char *h[] = {"remount", "idmap", "sync", "dirsync", "mand", "lazytime", "nosymfollow"};
	o = parse(h, 7);
	ok(o.remount && o.idmap && !o.ridmap, "remount, idmap");
	is_int(o.flags,
	       MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME | 256 /* MS_NOSYMFOLLOW */,
	       "sync, dirsync, mand, lazytime, nosymfollow flags");
	ok(o.data == NULL, "no data");
	char *i[] = {"ridmap", "defaults"};
	o = parse(i, 2);
	ok(o.idmap && o.ridmap && o.flags == 0 && !o.data, "ridmap; defaults is a no-op");
	char *many[] = {"shared", "shared", "shared", "shared", "shared",
			"shared", "shared", "shared", "shared"};
	vps_err err = {0};
	ok(vps_mntopts_parse(many, 9, &o, &err) < 0, "too many propagation words: %s", err.msg);
	vps_mntopts_free(&o);
	return done_testing();
}
