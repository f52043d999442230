/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The destination's side of vps migrate (`vps migrate-recv`, which the
 * source's vps runs here over ssh or directly): check that the VPS can come
 * (name and bundle free, disk, criu) and claim its bundle dir with a mark;
 * prepare it while the source still runs (register the record and its
 * flags, out of the downtime); receive it (the same if not prepared, then
 * restore from the images or start it);
 * abort (remove only what carries the mark or names the marked bundle). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "rootfs/userns.h"
#include "specs/bundle.h"
#include "runtime/criu.h"
#include "runtime/migrate.h"
#include "util/fileio.h"
#include "util/fmt.h"

static int name_free(const char *root, const char *inv, const char *name, vps_err *err)
{
	struct vps_state *st = NULL;
	vps_err e;
	int r = vps_inv_check_name(inv, name, NULL, err);
	if (r < 0)
		return r;
	if (vps_state_load(root, name, &st, &e) == 0) {
		vps_state_free(st);
		return vps_errorx(err, EEXIST, "a container %s exists in state root %s", name,
				  root);
	}
	return 0;
}

/* need bytes free on the filesystem that will hold bundle */
static int disk_free(const char *bundle, uint64_t need, vps_err *err)
{
	char dir[PATH_MAX];
	struct statvfs sv;
	if (vps_snprintf(dir, sizeof(dir), "%s", bundle) < 0)
		return vps_errorx(err, ENAMETOOLONG, "bundle %s: too long", bundle);
	for (int i = 0; i < 64 && statvfs(dir, &sv) < 0; i++) {
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return vps_error(err, errno, "statvfs %s", bundle);
		*slash = '\0';
	}
	uint64_t have = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (have < need)
		return vps_errorx(err, ENOSPC, "%s: %llu MiB free, the VPS's bundle needs %llu MiB",
				  dir, (unsigned long long)(have >> 20),
				  (unsigned long long)(need >> 20));
	return 0;
}

uint32_t vps_migrate_idbase(const struct oci_spec *spec)
{
	uint32_t host = 0;
	const struct oci_namespace *ns = &spec->lx.namespaces[OCI_NS_USER];
	if (!ns->present || ns->path ||
	    !oci_idmap_to_host(spec->lx.uid_mappings, spec->lx.n_uid_mappings, 0, &host))
		return 0;
	return host;
}

int vps_migrate_check(const char *root, const char *inv, const char *criu, const char *name,
		      const char *bundle, uint64_t need, bool live, uint32_t idbase, vps_err *err)
{
	char buf[512], mark[PATH_MAX];
	struct stat sb;
	int r;
	if (bundle[0] != '/')
		return vps_errorx(err, EINVAL, "bundle %s: not an absolute path", bundle);
	if ((r = name_free(root, inv, name, err)) < 0)
		return r;
	if (lstat(bundle, &sb) == 0)
		return vps_errorx(err, EEXIST, "bundle %s exists here", bundle);
	if ((r = disk_free(bundle, need, err)) < 0)
		return r;
	if (idbase && (r = vps_idrange_claim(inv, name, bundle, idbase, true, err)) < 0)
		return r;
	if (live && (r = vps_checkpoint_probe(root, criu, buf, sizeof(buf), err)) < 0)
		return vps_error_wrap(err, "criu cannot restore here");
	if (vps_snprintf(mark, sizeof(mark), "%s/%s", bundle, MIG_MARK) < 0)
		return vps_errorx(err, ENAMETOOLONG, "bundle %s: too long", bundle);
	if ((r = vps_mkdir_p(bundle, 0700, err)) < 0)
		return r;
	int fd = open(mark, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return vps_error(err, errno, "%s", mark);
	close(fd);
	return 0;
}

bool vps_mig_marked(const char *bundle)
{
	char mark[PATH_MAX];
	struct stat sb;
	return vps_snprintf(mark, sizeof(mark), "%s/%s", bundle, MIG_MARK) >= 0 &&
	       lstat(mark, &sb) == 0 && S_ISREG(sb.st_mode);
}

static int flags(const char *root, const char *inv, const struct vps_inv_entry *e, vps_err *err)
{
	struct vps_set_opts so = {.has_autostart = true,
				  .autostart = e->autostart,
				  .has_boot_order = true,
				  .boot_order = e->boot_order,
				  .has_boot_delay = true,
				  .boot_delay = e->boot_delay};
	unsigned deferred = 0;
	return vps_inv_set(root, inv, e->name, &so, &deferred, err);
}

/* restore from the images, --tcp-established as the checkpoint was made */
static int restore(const char *root, const char *criu, const char *name, const char *bundle,
		   const char *images, vps_err *err)
{
	struct vps_ckpt_meta meta;
	int status, r = vps_ckpt_meta_load(images, &meta, err);
	if (r < 0)
		return r;
	struct vps_restore_opts ro = {
	    .root = root,
	    .id = name,
	    .bundle = bundle,
	    .detach = true,
	    .c = {.criu = criu, .image_path = images, .tcp_established = meta.tcp_established}};
	vps_ckpt_meta_free(&meta);
	if ((r = vps_restore(&ro, &status, err)) == 0)
		vps_mig_announce(root, name);
	return r;
}

int vps_migrate_receive(const char *root, const char *inv, const char *criu,
			const struct vps_inv_entry *e, const char *how, vps_err *err)
{
	bool live = strcmp(how, "restore") == 0, start = strcmp(how, "start") == 0;
	bool prepare = strcmp(how, "prepare") == 0;
	bool vm = strcmp(how, "vm") == 0; /* a VM whose state came: run it (migrate_vm.c) */
	char images[PATH_MAX + 32];
	bool added;
	enum vps_status was;
	if (!live && !start && !prepare && !vm && strcmp(how, "register") != 0)
		return vps_errorx(err, EINVAL,
				  "expected prepare, restore, start, vm or register, got \"%s\"",
				  how);
	if (!vps_mig_marked(e->bundle))
		return vps_errorx(err, EINVAL, "bundle %s: not one a migration made here",
				  e->bundle);
	struct oci_bundle *b = NULL;
	int r = oci_bundle_open(e->bundle, &b, err);
	uint32_t idbase = r == 0 ? vps_migrate_idbase(b->spec) : 0;
	oci_bundle_free(b);
	if (r < 0)
		return r;
	/* prepare (before the freeze) registers it, records its id range and sets
	 * its flags; the record found again with this bundle is that one: nothing
	 * to write then (a second range record would be "another VPS's") */
	r = vps_inv_register(inv, e->name, e->bundle, &added, err);
	bool fresh = added || prepare;
	if (r == 0 && fresh && idbase)
		r = vps_idrange_claim(inv, e->name, e->bundle, idbase, false, err);
	if (r == 0 && fresh)
		r = flags(root, inv, e, err);
	if (r < 0 || prepare)
		return r;
	/* fits: the bundle (a path) and a short name in PATH_MAX + 32 */
	vps_snprintf(images, sizeof(images), "%s/%s", e->bundle, MIG_IMAGES);
	if (live)
		r = restore(root, criu, e->name, e->bundle, images, err);
	else if (start)
		r = vps_inv_start(root, inv, e->name, &was, err);
	else if (vm)
		r = vps_mig_vm_resumed(root, e->name, err);
	return r;
}

void vps_migrate_received(const char *bundle)
{
	char path[PATH_MAX + 32];
	if (vps_snprintf(path, sizeof(path), "%s/%s", bundle, MIG_IMAGES) >= 0)
		vps_rm_tree_at(AT_FDCWD, path);
	if (vps_snprintf(path, sizeof(path), "%s/%s", bundle, MIG_MARK) >= 0)
		unlink(path);
}

int vps_migrate_abort(const char *root, const char *inv, const char *name, const char *bundle,
		      vps_err *err)
{
	if (!vps_mig_marked(bundle))
		return 0; /* nothing here is the migration's */
	struct vps_state *st = NULL;
	struct vps_inv_entry *e = NULL;
	vps_err e2;
	int r = 0;
	if (vps_state_load(root, name, &st, &e2) == 0 && st->bundle &&
	    strcmp(st->bundle, bundle) == 0)
		r = vps_delete(root, name, true, err);
	vps_state_free(st);
	if (r == 0 && vps_inv_load(inv, name, &e, &e2) == 0 && strcmp(e->bundle, bundle) == 0)
		r = vps_inv_unregister(inv, name, err);
	vps_inv_free(e);
	if (r == 0) /* >= 0: the number of id range records freed */
		r = vps_idrange_free(inv, name, bundle, err);
	if (r < 0)
		return r;
	vps_rm_tree_at(AT_FDCWD, bundle);
	return 0;
}
