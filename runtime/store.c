/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The state store: ROOT/ID/ (0700) holds state.json and a .lock file that
 * every change holds with flock(LOCK_EX). ROOT/ID is made with mkdirat, which
 * is atomic, so of two concurrent creates of one id exactly one wins. */
#include "runtime/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/walk.h"

#define STATE_MAX    (4 << 20)
#define REMOVE_DEPTH 16

/* A state root or container dir is trusted only when it is a real directory
 * (the name itself not a symlink), owned by root or by the caller (a rootless
 * vps), and writable by nobody else: a state.json or config copy planted there
 * would otherwise decide what a root vps runs (e.g. a poststop hook on
 * `delete --force`). Its parents are not checked (/tmp is a fine parent). */
static int check_trusted(int fd, const char *what, const char *name, vps_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return vps_error(err, errno, "%s %s", what, name);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return vps_errorx(err, EPERM,
				  "%s %s is owned by uid %u, neither root nor you; not trusting "
				  "what it holds",
				  what, name, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return vps_errorx(err, EPERM,
				  "%s %s is writable by %s (mode %04o); not trusting what it holds",
				  what, name, st.st_mode & S_IWOTH ? "everyone" : "its group",
				  (unsigned)(st.st_mode & 07777));
	return 0;
}

/* After an open with O_DIRECTORY|O_NOFOLLOW failed with ENOTDIR or ELOOP: was
 * the name a symlink (which O_DIRECTORY reports as ENOTDIR)? */
static bool is_symlink_at(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/* The state root, checked (ENOENT passed up without a message when missing). */
static int open_root(const char *root, bool create, vps_err *err)
{
	if (create && vps_mkdir_p(root, 0700, err) < 0)
		return -err->code;
	_cleanup_close_ int fd = open(root, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && is_symlink_at(AT_FDCWD, root))
		return vps_errorx(err, ELOOP, "state root %s is a symlink; not following it", root);
	if (fd < 0)
		return vps_error(err, errno, "state root %s", root);
	int r = check_trusted(fd, "state root", root, err);
	return r < 0 ? r : take_fd(fd);
}

/* Open ROOT/ID (no symlinks), mapping ENOENT to "does not exist". */
static int open_dir(int rootfd, const char *id, vps_err *err)
{
	_cleanup_close_ int fd =
	    openat(rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && is_symlink_at(rootfd, id))
		return vps_errorx(err, ELOOP,
				  "container dir of \"%s\" is a symlink; not following it", id);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return vps_errorx(err, ENOENT, "container \"%s\" does not exist", id);
	if (fd < 0)
		return vps_error(err, errno, "open container \"%s\"", id);
	int r = check_trusted(fd, "container dir of", id, err);
	return r < 0 ? r : take_fd(fd);
}

/* Only create makes .lock, and delete removes it last: a lock taken later must
 * not recreate it in a directory that delete is emptying (its rmdir would fail
 * and the taker would go on with a container being deleted). A directory with a
 * state.json but no .lock (made by an older vps) gets one. */
static int take_lock(int dirfd, const char *id, bool create, vps_err *err)
{
	int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW;
	_cleanup_close_ int fd = openat(dirfd, ".lock", flags | (create ? O_CREAT : 0), 0600);
	if (fd < 0 && errno == ENOENT && !create) {
		if (faccessat(dirfd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			return vps_errorx(err, ENOENT, "container \"%s\" does not exist", id);
		fd = openat(dirfd, ".lock", flags | O_CREAT, 0600);
	}
	if (fd < 0)
		return vps_error(err, errno, "lock container \"%s\"", id);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return vps_error(err, errno, "lock container \"%s\"", id);
	/* removed while we waited: the directory is gone */
	struct stat st;
	if (fstat(dirfd, &st) < 0 || st.st_nlink == 0)
		return vps_errorx(err, ENOENT, "container \"%s\" does not exist", id);
	return take_fd(fd);
}

int vps_store_create(const char *root, const char *id, int *dirfd, int *lockfd, vps_err *err)
{
	if (vps_id_validate(id, err) < 0)
		return -EINVAL;
	_cleanup_close_ int rootfd = open_root(root, true, err);
	if (rootfd < 0)
		return rootfd;
	if (mkdirat(rootfd, id, 0700) < 0) {
		if (errno == EEXIST)
			return vps_errorx(err, EEXIST, "container \"%s\" already exists", id);
		return vps_error(err, errno, "create container dir %s/%s", root, id);
	}
	_cleanup_close_ int dfd = open_dir(rootfd, id, err);
	int lfd = dfd < 0 ? dfd : take_lock(dfd, id, true, err);
	if (lfd < 0) {
		unlinkat(dfd, ".lock", 0);
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return lfd;
	}
	*lockfd = lfd;
	*dirfd = take_fd(dfd);
	return 0;
}

int vps_store_lock(const char *root, const char *id, int *dirfd, int *lockfd, vps_err *err)
{
	if (vps_id_validate(id, err) < 0)
		return -EINVAL;
	_cleanup_close_ int rootfd = open_root(root, false, err);
	if (rootfd < 0)
		return rootfd == -ENOENT
			   ? vps_errorx(err, ENOENT, "container \"%s\" does not exist", id)
			   : rootfd;
	_cleanup_close_ int dfd = open_dir(rootfd, id, err);
	if (dfd < 0)
		return dfd;
	int lfd = take_lock(dfd, id, false, err);
	if (lfd == -ENOENT)
		unlinkat(rootfd, id, AT_REMOVEDIR); /* an interrupted delete's empty dir */
	if (lfd < 0)
		return lfd;
	*lockfd = lfd;
	*dirfd = take_fd(dfd);
	return 0;
}

int vps_state_load(const char *root, const char *id, struct vps_state **out, vps_err *err)
{
	if (vps_id_validate(id, err) < 0)
		return -EINVAL;
	_cleanup_close_ int rootfd = open_root(root, false, err);
	if (rootfd == -ENOENT)
		return vps_errorx(err, ENOENT, "container \"%s\" does not exist", id);
	if (rootfd < 0)
		return rootfd;
	_cleanup_close_ int dfd = open_dir(rootfd, id, err);
	if (dfd < 0)
		return dfd;
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	int r = vps_read_file_at(dfd, "state.json", STATE_MAX, &json, &len, err);
	if (r == -ENOENT) {
		/* made but never saved (being created, or its creator died) */
		struct vps_state *st = calloc(1, sizeof(*st));
		if (!st || !(st->id = strdup(id))) {
			free(st);
			return vps_error(err, ENOMEM, "load container \"%s\"", id);
		}
		st->status = VPS_CREATING;
		st->exit_status = -1;
		*out = st;
		return 0;
	}
	if (r < 0)
		return vps_error_wrap(err, "container \"%s\"", id);
	r = vps_state_from_json(json, len, out, err);
	if (r < 0)
		return vps_error_wrap(err, "container \"%s\"", id);
	return 0;
}

int vps_state_save_at(int dfd, const struct vps_state *st, vps_err *err)
{
	_cleanup_free_ char *json = vps_state_to_json(st);
	if (!json)
		return vps_error(err, ENOMEM, "save state of \"%s\"", st->id);
	int r = vps_write_state_at(dfd, "state.json", json, strlen(json), 0600, (uid_t)-1,
				   (gid_t)-1, err);
	if (r < 0)
		return vps_error_wrap(err, "save state of \"%s\"", st->id);
	return 0;
}

/* Remove everything below the starting directory (never following symlinks,
 * bounded depth), going on after an error: whatever is not a directory is
 * unlinked, a directory once its contents are gone. */
static int remove_entry(struct vps_walk_entry *e, void *ctx)
{
	(void)ctx;
	if (e->depth == 0 || e->when == VPS_WALK_DIR_PRE || e->when == VPS_WALK_DIR_ABORT)
		return 0;
	if (e->depth == 1 && !strcmp(e->name, ".lock"))
		return 0; /* vps_store_remove unlinks it last */
	int flags = e->when == VPS_WALK_DIR_POST ? AT_REMOVEDIR : 0;
	return unlinkat(e->dfd, e->name, flags) < 0 && errno != ENOENT ? -errno : 0;
}

static int remove_contents(int dirfd)
{
	/* the walk counts the starting directory as depth 0: its entries are at 1 */
	static const struct vps_walk_opts o = {.max_depth = REMOVE_DEPTH + 1, .keep_going = true};
	return vps_walk_at(dirfd, ".", &o, remove_entry, NULL);
}

int vps_store_cgroup_default(const char *root, const char *id, char *out, size_t outsz,
			     vps_err *err)
{
	struct stat r, d;
	int n;
	if (stat(root, &r) < 0)
		return vps_error(err, errno, "state root %s", root);
	if (stat(VPS_DEFAULT_ROOT, &d) == 0 && d.st_dev == r.st_dev && d.st_ino == r.st_ino)
		n = vps_snprintf(out, outsz, "/vps/%s", id);
	else
		n = vps_snprintf(out, outsz, "/vps/%s@%llu-%llu", id, (unsigned long long)r.st_dev,
				 (unsigned long long)r.st_ino);
	if (n < 0)
		return vps_errorx(err, ENAMETOOLONG, "cgroup path for container \"%s\": too long",
				  id);
	return 0;
}

int vps_store_remove(const char *root, const char *id, vps_err *err)
{
	if (vps_id_validate(id, err) < 0)
		return -EINVAL;
	_cleanup_close_ int rootfd = open_root(root, false, err);
	if (rootfd == -ENOENT)
		return 0;
	if (rootfd < 0)
		return rootfd;
	_cleanup_close_ int dfd = open_dir(rootfd, id, err);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return vps_error_wrap(err, "remove container dir %s/%s", root, id);
	/* nothing adds to it meanwhile: the caller holds its lock, and delete
	 * ended the VPS's monitor first */
	int r = remove_contents(dfd);
	if (r < 0)
		return vps_error(err, -r, "remove container dir %s/%s", root, id);
	if (unlinkat(dfd, ".lock", 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "remove container dir %s/%s", root, id);
	if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return vps_error(err, errno, "remove container dir %s/%s", root, id);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vps_store_list(const char *root, char ***ids, vps_err *err)
{
	size_t n = 0, cap = 16;
	_cleanup_strv_ char **v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return vps_error(err, ENOMEM, "list %s", root);
	int rootfd = open_root(root, false, err);
	if (rootfd < 0 && rootfd != -ENOENT)
		return rootfd;
	DIR *d = rootfd >= 0 ? fdopendir(rootfd) : NULL;
	if (rootfd >= 0 && !d) {
		close(rootfd);
		return vps_error(err, errno, "list %s", root);
	}
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct stat st;
		if (vps_id_validate(e->d_name, NULL) < 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof(*v));
			if (!nv) {
				closedir(d);
				return vps_error(err, ENOMEM, "list %s", root);
			}
			v = nv;
			cap *= 2;
		}
		if (!(v[n] = strdup(e->d_name))) {
			closedir(d);
			return vps_error(err, ENOMEM, "list %s", root);
		}
		v[++n] = NULL;
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*ids = take_ptr(v);
	return 0;
}
