/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The OCI mount option words runc accepts, turned into mount(2) flags,
 * mount_setattr(2) attributes (top mount and recursive "r" variants),
 * propagation changes, and a data string of the remaining (filesystem) options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "rootfs/internal.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum kind { FLAG, PROP, RATTR, SPECIAL };
struct opt {
	const char *name;
	enum kind kind;
	bool clear;	  /* FLAG/RATTR: clears instead of sets */
	unsigned long ms; /* FLAG, PROP */
	uint64_t attr;	  /* attribute for the top mount (FLAG) or recursive (RATTR) */
};

#define ATIME MOUNT_ATTR__ATIME
/* MOUNT_ATTR_RELATIME is 0, so the table names it with a tag. */
#define RELATIME_TAG (1ULL << 40)
static const struct opt table[] = {
    {"defaults", FLAG, false, 0, 0},
    {"ro", FLAG, false, MS_RDONLY, MOUNT_ATTR_RDONLY},
    {"rw", FLAG, true, MS_RDONLY, MOUNT_ATTR_RDONLY},
    {"nosuid", FLAG, false, MS_NOSUID, MOUNT_ATTR_NOSUID},
    {"suid", FLAG, true, MS_NOSUID, MOUNT_ATTR_NOSUID},
    {"nodev", FLAG, false, MS_NODEV, MOUNT_ATTR_NODEV},
    {"dev", FLAG, true, MS_NODEV, MOUNT_ATTR_NODEV},
    {"noexec", FLAG, false, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {"exec", FLAG, true, MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {"sync", FLAG, false, MS_SYNCHRONOUS, 0},
    {"async", FLAG, true, MS_SYNCHRONOUS, 0},
    {"dirsync", FLAG, false, MS_DIRSYNC, 0},
    {"mand", FLAG, false, MS_MANDLOCK, 0},
    {"nomand", FLAG, true, MS_MANDLOCK, 0},
    {"noatime", FLAG, false, MS_NOATIME, MOUNT_ATTR_NOATIME},
    {"atime", FLAG, true, MS_NOATIME, MOUNT_ATTR_NOATIME},
    {"nodiratime", FLAG, false, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {"diratime", FLAG, true, MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {"relatime", FLAG, false, MS_RELATIME, RELATIME_TAG},
    {"norelatime", FLAG, true, MS_RELATIME, RELATIME_TAG},
    {"strictatime", FLAG, false, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {"nostrictatime", FLAG, true, MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {"lazytime", FLAG, false, MS_LAZYTIME, 0},
    {"nolazytime", FLAG, true, MS_LAZYTIME, 0},
    {"iversion", FLAG, false, MS_I_VERSION, 0},
    {"noiversion", FLAG, true, MS_I_VERSION, 0},
    {"silent", FLAG, false, MS_SILENT, 0},
    {"loud", FLAG, true, MS_SILENT, 0},
    {"nosymfollow", FLAG, false, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    {"symfollow", FLAG, true, MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
    {"private", PROP, false, MS_PRIVATE, 0},
    {"rprivate", PROP, false, MS_PRIVATE | MS_REC, 0},
    {"shared", PROP, false, MS_SHARED, 0},
    {"rshared", PROP, false, MS_SHARED | MS_REC, 0},
    {"slave", PROP, false, MS_SLAVE, 0},
    {"rslave", PROP, false, MS_SLAVE | MS_REC, 0},
    {"unbindable", PROP, false, MS_UNBINDABLE, 0},
    {"runbindable", PROP, false, MS_UNBINDABLE | MS_REC, 0},
    {"rro", RATTR, false, 0, MOUNT_ATTR_RDONLY},
    {"rrw", RATTR, true, 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", RATTR, false, 0, MOUNT_ATTR_NOSUID},
    {"rsuid", RATTR, true, 0, MOUNT_ATTR_NOSUID},
    {"rnodev", RATTR, false, 0, MOUNT_ATTR_NODEV},
    {"rdev", RATTR, true, 0, MOUNT_ATTR_NODEV},
    {"rnoexec", RATTR, false, 0, MOUNT_ATTR_NOEXEC},
    {"rexec", RATTR, true, 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", RATTR, false, 0, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", RATTR, true, 0, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", RATTR, false, 0, RELATIME_TAG},
    {"rnorelatime", RATTR, true, 0, RELATIME_TAG},
    {"rnoatime", RATTR, false, 0, MOUNT_ATTR_NOATIME},
    {"ratime", RATTR, true, 0, MOUNT_ATTR_NOATIME},
    {"rstrictatime", RATTR, false, 0, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", RATTR, true, 0, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", RATTR, false, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", RATTR, true, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"bind", SPECIAL, false, 0, 0},
    {"rbind", SPECIAL, false, 0, 0},
    {"remount", SPECIAL, false, 0, 0},
    {"idmap", SPECIAL, false, 0, 0},
    {"ridmap", SPECIAL, false, 0, 0},
    {"tmpcopyup", SPECIAL, false, 0, 0},
};

/* atime is one 3-valued field in mount_setattr: setting one of its values means
 * clearing the whole field first; clearing a value goes back to relatime. */
static void set_attr(uint64_t *set, uint64_t *clr, uint64_t attr, bool clear)
{
	bool is_atime =
	    attr == MOUNT_ATTR_NOATIME || attr == RELATIME_TAG || attr == MOUNT_ATTR_STRICTATIME;
	if (is_atime) {
		*clr |= ATIME;
		*set &= ~ATIME;
		if (!clear && attr != RELATIME_TAG)
			*set |= attr;
		return;
	}
	if (clear) {
		*clr |= attr;
		*set &= ~attr;
	} else {
		*set |= attr;
		*clr &= ~attr;
	}
}

static int special(struct vps_mntopts *o, const char *w)
{
	if (!strcmp(w, "bind"))
		o->bind = true;
	else if (!strcmp(w, "rbind"))
		o->bind = o->rec = true;
	else if (!strcmp(w, "remount"))
		o->remount = true;
	else if (!strcmp(w, "idmap"))
		o->idmap = true;
	else if (!strcmp(w, "ridmap"))
		o->idmap = o->ridmap = true;
	else if (!strcmp(w, "tmpcopyup"))
		o->tmpcopyup = true;
	return 0;
}

int vps_mntopts_add_data(struct vps_mntopts *o, const char *w, vps_err *err)
{
	size_t old = o->data ? strlen(o->data) : 0, n = strlen(w);
	char *d = realloc(o->data, old + n + 2);
	if (!d)
		return vps_error(err, ENOMEM, "mount options");
	if (old)
		d[old++] = ',';
	memcpy(d + old, w, n + 1);
	o->data = d;
	return 0;
}

int vps_mntopts_parse(char *const *opts, size_t n, struct vps_mntopts *o, vps_err *err)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < n; i++) {
		const char *w = opts[i];
		const struct opt *t = NULL;
		for (size_t k = 0; k < sizeof(table) / sizeof(table[0]); k++)
			if (!strcmp(table[k].name, w)) {
				t = &table[k];
				break;
			}
		if (!t) {
			int r = vps_mntopts_add_data(o, w, err);
			if (r < 0)
				return r;
			continue;
		}
		switch (t->kind) {
		case FLAG:
			if (t->clear)
				o->flags &= ~t->ms;
			else
				o->flags |= t->ms;
			if (t->attr)
				set_attr(&o->attr_set, &o->attr_clr, t->attr, t->clear);
			break;
		case PROP:
			if (o->n_prop >= (int)(sizeof(o->prop) / sizeof(o->prop[0])))
				return vps_errorx(err, EINVAL, "too many propagation options");
			o->prop[o->n_prop++] = t->ms;
			break;
		case RATTR:
			set_attr(&o->rattr_set, &o->rattr_clr, t->attr, t->clear);
			break;
		case SPECIAL:
			special(o, w);
			break;
		}
	}
	return 0;
}

void vps_mntopts_free(struct vps_mntopts *o)
{
	free(o->data);
	o->data = NULL;
}

bool vps_mount_option_known(const char *word)
{
	struct vps_mntopts o = {0};
	char *opts[] = {(char *)word};
	bool ok = vps_mntopts_parse(opts, 1, &o, NULL) == 0 && !o.data;
	vps_mntopts_free(&o);
	return ok;
}
