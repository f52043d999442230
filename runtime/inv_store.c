/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The inventory's records: INVENTORY/vps/NAME.json read, listed, written
 * atomically and removed; writers hold INVENTORY/vps/.lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/inv_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define RECORD_MAX  (64 << 10)
#define RECORDS_MAX 100000 /* bounded listing */

void vps_inv_free(struct vps_inv_entry *e)
{
	if (!e)
		return;
	free(e->name);
	free(e->bundle);
	free(e);
}

void vps_inv_free_all(struct vps_inv_entry **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		vps_inv_free(v[i]);
	free(v);
}

/* Like the state root: a real directory, root's (or the caller's), writable
 * by no one else: a planted record would name the bundle destroy removes. */
static int check_trusted(int fd, const char *path, vps_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vps_error(err, errno, "inventory %s", path);
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return vps_errorx(err, EPERM,
				  "inventory %s: owned by uid %u with mode %04o; not trusting "
				  "it (must be root's or yours and writable by no one else)",
				  path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return 0;
}

int vps_inv_open(const char *inv, bool create, vps_err *err)
{
	char path[PATH_MAX];
	if (vps_snprintf(path, sizeof(path), "%s/vps", inv) < 0)
		return vps_errorx(err, ENAMETOOLONG, "inventory %s: path too long", inv);
	if (create && vps_mkdir_p(path, 0700, err) < 0)
		return vps_error_wrap(err, "inventory");
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return vps_error(err, errno, "inventory %s", path);
	int r = check_trusted(fd, path, err);
	return r < 0 ? r : take_fd(fd);
}

int vps_inv_lock(int dirfd, const char *inv, vps_err *err)
{
	int fd = openat(dirfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return vps_error(err, errno, "inventory %s/vps/.lock", inv);
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;
		close(fd);
		return vps_error(err, e, "lock inventory %s", inv);
	}
	return fd;
}

static int record_name(const char *name, char *out, size_t n, vps_err *err)
{
	int r = vps_id_validate(name, err);
	if (r < 0)
		return vps_error_wrap(err, "VPS name");
	if (vps_snprintf(out, n, "%s.json", name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "VPS name %.40s...: too long", name);
	return 0;
}

static int get_int(json_object *o, const char *key, int min, int max, int *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	int64_t x = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || x < min || x > max)
		return -1;
	*out = (int)x;
	return 0;
}

static int parse_record(const char *text, const char *file, struct vps_inv_entry **out,
			vps_err *err)
{
	json_object *o = json_tokener_parse(text), *n, *b, *a;
	struct vps_inv_entry *e = calloc(1, sizeof(*e));
	int r = -EINVAL;
	if (!e)
		r = vps_errorx(err, ENOMEM, "out of memory");
	else if (!o || !json_object_object_get_ex(o, "name", &n) ||
		 !json_object_object_get_ex(o, "bundle", &b) ||
		 !json_object_is_type(n, json_type_string) ||
		 !json_object_is_type(b, json_type_string) || json_object_get_string(b)[0] != '/' ||
		 get_int(o, "bootOrder", -1000000, 1000000, &e->boot_order) < 0 ||
		 get_int(o, "bootDelay", 0, VPS_BOOT_DELAY_MAX, &e->boot_delay) < 0)
		r = vps_errorx(err, EINVAL,
			       "inventory record %s: not a VPS record (name, absolute bundle, "
			       "autostart, bootOrder, bootDelay)",
			       file);
	else {
		e->autostart =
		    json_object_object_get_ex(o, "autostart", &a) && json_object_get_boolean(a);
		e->name = strdup(json_object_get_string(n));
		e->bundle = strdup(json_object_get_string(b));
		r = e->name && e->bundle ? 0 : vps_errorx(err, ENOMEM, "out of memory");
	}
	json_object_put(o);
	if (r < 0)
		vps_inv_free(e);
	else
		*out = e;
	return r;
}

int vps_inv_read_at(int dirfd, const char *inv, const char *name, struct vps_inv_entry **out,
		    vps_err *err)
{
	char file[300];
	int r = record_name(name, file, sizeof(file), err);
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	if (r < 0)
		return r;
	fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return vps_errorx(err, ENOENT, "VPS %s is not registered (inventory %s)", name,
				  inv);
	if (fd < 0 || (r = vps_read_fd(fd, file, RECORD_MAX, &text, NULL, err)) < 0)
		return fd < 0 ? vps_error(err, errno, "inventory %s/vps/%s", inv, file) : r;
	if ((r = parse_record(text, file, out, err)) < 0)
		return r;
	if (strcmp((*out)->name, name) != 0) {
		vps_inv_free(take_ptr(*out));
		return vps_errorx(err, EINVAL, "inventory record %s names another VPS", file);
	}
	return 0;
}

int vps_inv_load(const char *inv, const char *name, struct vps_inv_entry **out, vps_err *err)
{
	_cleanup_close_ int dirfd = vps_inv_open(inv, false, err);
	if (dirfd == -ENOENT)
		return vps_errorx(err, ENOENT, "VPS %s is not registered (inventory %s)", name,
				  inv);
	return dirfd < 0 ? dirfd : vps_inv_read_at(dirfd, inv, name, out, err);
}

int vps_inv_write_at(int dirfd, const struct vps_inv_entry *e, vps_err *err)
{
	char file[300];
	int r = record_name(e->name, file, sizeof(file), err);
	if (r < 0)
		return r;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "bundle", json_object_new_string(e->bundle));
	json_object_object_add(o, "autostart", json_object_new_boolean(e->autostart));
	json_object_object_add(o, "bootOrder", json_object_new_int(e->boot_order));
	json_object_object_add(o, "bootDelay", json_object_new_int(e->boot_delay));
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
	_cleanup_free_ char *text = NULL;
	if (!s || asprintf(&text, "%s\n", s) < 0)
		r = vps_errorx(err, ENOMEM, "out of memory");
	else
		r = vps_write_atomic_at(dirfd, file, text, strlen(text), 0600, (uid_t)-1, (gid_t)-1,
					err);
	json_object_put(o);
	return r < 0 ? vps_error_wrap(err, "inventory record %s", file) : 0;
}

int vps_inv_unlink_at(int dirfd, const char *inv, const char *name, vps_err *err)
{
	char file[300];
	int r = record_name(name, file, sizeof(file), err);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, file, 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "inventory %s/vps/%s", inv, file);
	return fsync(dirfd) < 0 ? vps_error(err, errno, "inventory %s", inv) : 0;
}

static int by_boot_order(const void *a, const void *b)
{
	const struct vps_inv_entry *x = *(void *const *)a, *y = *(void *const *)b;
	if (x->boot_order != y->boot_order)
		return x->boot_order < y->boot_order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* One more entry onto *v (grown by doubling). */
static int push(struct vps_inv_entry ***v, size_t *n, size_t *cap, struct vps_inv_entry *e)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct vps_inv_entry **nv = realloc(*v, c * sizeof(**v));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = e;
	return 0;
}

int vps_inv_list(const char *inv, struct vps_inv_entry ***out, size_t *n, vps_err *err)
{
	*out = NULL;
	*n = 0;
	int dirfd = vps_inv_open(inv, false, err);
	if (dirfd == -ENOENT)
		return 0;
	DIR *d = dirfd < 0 ? NULL : fdopendir(dirfd);
	if (!d)
		return dirfd < 0 ? dirfd : vps_error(err, errno, "inventory %s", inv);
	struct dirent *de;
	size_t cap = 0, seen = 0;
	int r = 0;
	while (r >= 0 && (de = readdir(d)) && seen++ < RECORDS_MAX) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		char name[256];
		if (vps_snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name) < 0)
			continue;
		struct vps_inv_entry *e = NULL;
		vps_err e2 = {0};
		if (vps_inv_read_at(dirfd, inv, name, &e, &e2) < 0)
			continue; /* vanished, or not ours: `vps list` shows the rest */
		if (push(out, n, &cap, e) < 0) {
			vps_inv_free(e);
			r = vps_errorx(err, ENOMEM, "out of memory");
		}
	}
	closedir(d);
	if (r < 0) {
		vps_inv_free_all(take_ptr(*out), *n);
		*n = 0;
		return r;
	}
	if (*n)
		qsort(*out, *n, sizeof(**out), by_boot_order);
	return 0;
}
