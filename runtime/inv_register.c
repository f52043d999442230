/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Registering a VPS: names are unique. `vps bundle` checks early and registers
 * once the bundle is made; `vps create` of a VPS-face bundle registers it too.
 * Every change is made under the inventory lock. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "rootfs/userns.h"
#include "runtime/inv_internal.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/log.h"

static int taken(const char *inv, const struct vps_inv_entry *e, vps_err *err)
{
	return vps_errorx(err, EEXIST,
			  "VPS name %s is already taken by the bundle %s (inventory %s); choose "
			  "another --name or `vps destroy %s` first",
			  e->name, e->bundle, inv, e->name);
}

/* A record whose bundle is gone (its config.json removed with it) names
 * nothing: the name is free again, as a removed bundle's id range is. */
static bool stale(const struct vps_inv_entry *e)
{
	char cfg[PATH_MAX];
	return vps_snprintf(cfg, sizeof(cfg), "%s/config.json", e->bundle) >= 0 &&
	       access(cfg, F_OK) < 0 && errno == ENOENT;
}

int vps_inv_check_name(const char *inv, const char *name, const char *bundle, vps_err *err)
{
	struct vps_inv_entry *e = NULL;
	vps_err e2 = {0};
	int r = vps_inv_load(inv, name, &e, &e2);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		*err = e2;
		return r;
	}
	if ((!bundle || strcmp(e->bundle, bundle) != 0) && !stale(e))
		r = taken(inv, e, err);
	vps_inv_free(e);
	return r;
}

int vps_inv_register(const char *inv, const char *name, const char *bundle, bool *added,
		     vps_err *err)
{
	*added = false;
	char abs[PATH_MAX];
	if (!realpath(bundle, abs))
		return vps_error(err, errno, "bundle %s", bundle);
	_cleanup_close_ int dirfd = vps_inv_open(inv, true, err);
	if (dirfd < 0)
		return dirfd;
	_cleanup_close_ int lock = vps_inv_lock(dirfd, inv, err);
	if (lock < 0)
		return lock;
	struct vps_inv_entry *old = NULL;
	vps_err e2 = {0};
	int r = vps_inv_read_at(dirfd, inv, name, &old, &e2);
	if (r == 0) {
		bool mine = strcmp(old->bundle, abs) == 0, gone = !mine && stale(old);
		r = mine || gone ? 0 : taken(inv, old, err);
		vps_inv_free(old);
		if (!gone)
			return r;
		log_info("VPS name %s: its bundle is gone; registered again for %s", name, abs);
		r = -ENOENT; /* written anew below */
	}
	if (r != -ENOENT) {
		*err = e2;
		return r;
	}
	struct vps_inv_entry e = {.name = (char *)name, .bundle = abs};
	if ((r = vps_inv_write_at(dirfd, &e, err)) < 0)
		return r;
	*added = true;
	return 0;
}

int vps_inv_unregister(const char *inv, const char *name, vps_err *err)
{
	_cleanup_close_ int dirfd = vps_inv_open(inv, false, err);
	if (dirfd == -ENOENT)
		return 0;
	if (dirfd < 0)
		return dirfd;
	_cleanup_close_ int lock = vps_inv_lock(dirfd, inv, err);
	return lock < 0 ? lock : vps_inv_unlink_at(dirfd, inv, name, err);
}

int vps_inv_claim(const char *inv, const struct oci_spec *spec, const char *bundle, vps_err *err)
{
	const char *name = inv ? oci_annotation(spec, VPS_ANN_NAME) : NULL;
	bool added;
	if (!name)
		return 0;
	int r = vps_inv_register(inv, name, bundle, &added, err);
	return r < 0 ? vps_error_wrap(err, "register VPS %s", name) : 0;
}

/* Was dir there (and so empty, or bundle-make refuses) before we made the bundle? */
static bool exists(const char *dir)
{
	struct stat st;
	return lstat(dir, &st) == 0;
}

int vps_inv_bundle(const char *inv, const struct vps_bundle_opts *o, vps_err *err)
{
	int r = vps_id_validate(o->name, err);
	if (r < 0)
		return vps_error_wrap(err, "--name");
	if ((r = vps_inv_check_name(inv, o->name, NULL, err)) < 0)
		return r;
	bool existed = exists(o->dir), added = false;
	if ((r = vps_bundle_make(o, err)) < 0)
		return r;
	if ((r = vps_inv_register(inv, o->name, o->dir, &added, err)) >= 0)
		return 0;
	/* lost a race for the name (or the inventory is unwritable): undo the
	 * bundle and give its id range back */
	vps_err e2 = {0};
	vps_idrange_free(inv, o->name, o->dir, &e2);
	_cleanup_close_ int fd = open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!existed)
		vps_rm_tree_at(AT_FDCWD, o->dir);
	else if (fd >= 0) {
		vps_rm_tree_at(fd, "rootfs");
		unlinkat(fd, "config.json", 0);
	}
	return r;
}

bool vps_inv_bundle_is(const char *bundle, const char *name)
{
	struct oci_spec *spec = NULL;
	vps_err e = {0};
	if (oci_spec_load(bundle, &spec, &e) < 0)
		return false;
	const char *n = oci_annotation(spec, VPS_ANN_NAME);
	bool is = n && strcmp(n, name) == 0;
	oci_spec_free(spec);
	return is;
}
