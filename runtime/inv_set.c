/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vps set NAME`: a VPS's settings changed live where the kernel allows (the
 * cgroup, through vps_update) and always persisted: the limits and address in
 * the bundle's config.json (edited in place, every other byte kept), the boot
 * flags in the inventory record. Everything is checked before anything is
 * written, so a bad value changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns/net.h"
#include "rootfs/disk.h"
#include "rootfs/template.h"
#include "runtime/inv_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

static int check(const struct vps_set_opts *o, vps_err *err)
{
	if (o->has_memory && o->memory >= 0 && o->memory < VPS_MIN_MEMORY)
		return vps_errorx(err, EINVAL,
				  "--memory %lld: below 1M, the least a VPS's init can run with "
				  "(-1 for no limit)",
				  (long long)o->memory);
	if (o->has_pids && o->pids >= 0 && o->pids < VPS_MIN_PIDS)
		return vps_errorx(err, EINVAL, "--pids %lld: below %d (-1 for no limit)",
				  (long long)o->pids, VPS_MIN_PIDS);
	if (o->has_cpus && o->cpu_quota <= 0)
		return vps_errorx(err, EINVAL, "--cpus: expected a positive number of CPUs");
	if (o->has_disk && (o->disk < (int64_t)VPS_DISK_MIN || o->disk % 4096))
		return vps_errorx(err, EINVAL,
				  "--disk %lld: expected at least %lluM, a multiple of 4K",
				  (long long)o->disk, VPS_DISK_MIN >> 20);
	if (o->has_boot_delay && (o->boot_delay < 0 || o->boot_delay > VPS_BOOT_DELAY_MAX))
		return vps_errorx(err, EINVAL, "--boot-delay %d: expected 0..%d seconds",
				  o->boot_delay, VPS_BOOT_DELAY_MAX);
	if (o->has_boot_order && (o->boot_order < -1000000 || o->boot_order > 1000000))
		return vps_errorx(err, EINVAL, "--boot-order %d: expected -1000000..1000000",
				  o->boot_order);
	return 0;
}

/* One in-place edit of *text (replaced by the result). */
static int edit(char **text, size_t *len, const char *const *path, size_t depth, const char *value,
		vps_err *err)
{
	char *out = NULL;
	size_t n = 0;
	int r = oci_json_set(*text, *len, path, depth, value, &out, &n, err);
	if (r < 0)
		return vps_error_wrap(err, "config.json");
	free(*text);
	*text = out;
	*len = n;
	return 0;
}

static int edit_num(char **text, size_t *len, const char *const *path, size_t depth, int64_t v,
		    vps_err *err)
{
	char num[32];
	vps_snprintf(num, sizeof(num), "%lld", (long long)v); /* fits: a number in 32 */
	return edit(text, len, path, depth, num, err);
}

/* The settings into config.json's text. */
static int edit_config(char **text, size_t *len, const struct vps_set_opts *o, vps_err *err)
{
	static const char *const mem[] = {"linux", "resources", "memory", "limit"};
	static const char *const pids[] = {"linux", "resources", "pids", "limit"};
	static const char *const quota[] = {"linux", "resources", "cpu", "quota"};
	static const char *const period[] = {"linux", "resources", "cpu", "period"};
	static const char *const ip[] = {"annotations", VPS_NET_IP};
	int r = 0;
	if (o->has_memory)
		r = edit_num(text, len, mem, 4, o->memory, err);
	if (r >= 0 && o->has_pids)
		r = edit_num(text, len, pids, 4, o->pids, err);
	if (r >= 0 && o->has_cpus)
		r = edit_num(text, len, quota, 4, o->cpu_quota, err);
	if (r >= 0 && o->has_cpus)
		r = edit_num(text, len, period, 4, 100000, err);
	if (r >= 0 && o->has_ip) {
		json_object *s = json_object_new_string(o->ip);
		const char *q =
		    s ? json_object_to_json_string_ext(s, JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
		r = q ? edit(text, len, ip, 2, q, err) : vps_errorx(err, ENOMEM, "out of memory");
		json_object_put(s);
	}
	return r;
}

/* The whole new config must parse and its network annotations validate. */
static int validate(const char *text, size_t len, vps_err *err)
{
	struct oci_spec *spec = NULL;
	int r = oci_spec_parse(text, len, &spec, err);
	if (r >= 0 && (r = vps_net_validate(spec, err)) < 0)
		vps_error_wrap(err, "--ip");
	oci_spec_free(spec);
	return r;
}

/* Live: the limits into the cgroup of a container of this VPS that is not stopped. */
static int apply_live(const char *root, const struct vps_inv_entry *e, const struct vps_set_opts *o,
		      unsigned *deferred, vps_err *err)
{
	struct vps_state *st = NULL;
	vps_err e2 = {0};
	if (vps_state_load(root, e->name, &st, &e2) < 0)
		return 0; /* not created: the next start reads config.json */
	enum vps_status s = vps_status_live(root, st);
	bool ours = st->bundle && strcmp(st->bundle, e->bundle) == 0;
	vps_state_free(st);
	if (!ours || s == VPS_STOPPED || s == VPS_CREATING)
		return 0;
	if (o->has_ip)
		*deferred |= VPS_SET_DEFERRED_IP;
	struct oci_resources res = {0};
	res.has_memory = o->has_memory;
	res.memory.limit = (opt_i64){o->has_memory, o->memory};
	res.pids_limit = (opt_i64){o->has_pids, o->pids};
	res.has_cpu = o->has_cpus;
	res.cpu.quota = (opt_i64){o->has_cpus, o->cpu_quota};
	res.cpu.period = (opt_u64){o->has_cpus, 100000};
	if (!o->has_memory && !o->has_pids && !o->has_cpus)
		return 0;
	int r = vps_update(root, e->name, &res, err);
	return r < 0 ? vps_error_wrap(err, "live") : 0;
}

/* config.json replaced atomically with its mode and owner. */
static int save_config(const char *bundle, const char *text, size_t len, vps_err *err)
{
	_cleanup_close_ int fd = open(bundle, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstatat(fd, "config.json", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return vps_error(err, errno, "%s/config.json", bundle);
	return vps_write_atomic_at(fd, "config.json", text, len, st.st_mode & 07777, st.st_uid,
				   st.st_gid, err);
}

static void set_flags(struct vps_inv_entry *e, const struct vps_set_opts *o)
{
	if (o->has_autostart)
		e->autostart = o->autostart;
	if (o->has_boot_order)
		e->boot_order = o->boot_order;
	if (o->has_boot_delay)
		e->boot_delay = o->boot_delay;
}

static int set_locked(const char *root, int dirfd, const char *inv, const char *name,
		      const struct vps_set_opts *o, unsigned *deferred, vps_err *err)
{
	struct vps_inv_entry *e = NULL;
	int r = vps_inv_read_at(dirfd, inv, name, &e, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	bool config = o->has_memory || o->has_pids || o->has_cpus || o->has_ip;
	if (config && (r = oci_spec_read(e->bundle, &text, &len, err)) >= 0 &&
	    (r = edit_config(&text, &len, o, err)) >= 0)
		r = validate(text, len, err);
	if (r >= 0 && o->has_disk) /* the disk first: the one change that can fail late */
		r = vps_inv_set_disk(root, e, o->disk, deferred, err);
	if (r >= 0)
		r = apply_live(root, e, o, deferred, err);
	if (r >= 0 && config)
		r = save_config(e->bundle, text, len, err);
	set_flags(e, o);
	if (r >= 0 && (o->has_autostart || o->has_boot_order || o->has_boot_delay))
		r = vps_inv_write_at(dirfd, e, err);
	vps_inv_free(e);
	return r;
}

int vps_inv_set(const char *root, const char *inv, const char *name, const struct vps_set_opts *o,
		unsigned *deferred, vps_err *err)
{
	*deferred = 0;
	int r = check(o, err);
	if (r < 0)
		return r;
	_cleanup_close_ int dirfd = vps_inv_open(inv, false, err);
	if (dirfd == -ENOENT)
		return vps_errorx(err, ENOENT, "VPS %s is not registered (inventory %s)", name,
				  inv);
	if (dirfd < 0)
		return dirfd;
	_cleanup_close_ int lock = vps_inv_lock(dirfd, inv, err);
	if (lock < 0)
		return lock;
	return set_locked(root, dirfd, inv, name, o, deferred, err);
}
