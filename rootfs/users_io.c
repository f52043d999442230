/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading and committing the account files of a rootfs: in-root resolution,
 * the /etc/.pwd.lock lock, staged writes with a roll-forward journal. The
 * protocol is described in rootfs/users.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rootfs/internal.h"
#include "rootfs/rootfs.h"
#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

#define JOURNAL	   ".vps-pwd.journal"
#define PWFILE_MAX (16u << 20)
#define LOCK_TRIES 150 /* x 100 ms: lckpwdf's 15 s */

static const char *const pw_names[VPS_PWFILE_MAX] = {"passwd", "shadow", "group", "gshadow"};
static const size_t pw_nfields[VPS_PWFILE_MAX] = {7, 9, 4, 4};

/* dirfd/name (no symlink followed) as a regular file, or -errno with err set. */
static int open_regular_at(int dirfd, const char *name, const char *what, int flags,
			   struct stat *st, vps_err *err)
{
	_cleanup_close_ int pfd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return vps_error(err, errno, "%s", what);
	return vps_reopen_regular(pfd, what, flags, st, err);
}

/* ".NAME.xxxxxx" as made by vps_write_temp_at for one of our files. */
static const char *temp_target(const char *ent)
{
	static const char *const all[] = {"passwd", "shadow", "group", "gshadow", JOURNAL};
	if (ent[0] != '.')
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		size_t n = strlen(all[i]);
		if (strncmp(ent + 1, all[i], n) != 0 || ent[1 + n] != '.' ||
		    strlen(ent + 2 + n) != 6)
			continue;
		if (strspn(ent + 2 + n, "abcdefghijklmnopqrstuvwxyz0123456789") == 6)
			return all[i];
	}
	return NULL;
}

/* Finish an interrupted commit: rename the temps its journal lists. */
static int roll_forward(struct vps_userdb *db, vps_err *err)
{
	_cleanup_close_ int fd =
	    open_regular_at(db->etcfd, JOURNAL, "/etc/" JOURNAL, O_RDONLY, NULL, err);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	_cleanup_free_ char *buf = NULL;
	int r = vps_read_fd(fd, "/etc/" JOURNAL, 65536, &buf, NULL, err);
	if (r < 0)
		return r;
	int done = 0;
	for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		const char *target = temp_target(line);
		/* Only ".NAME.xxxxxx NAME" pairs for our four files are honoured. */
		if (!target || strcmp(target, sp + 1) != 0 || strcmp(target, JOURNAL) == 0)
			continue;
		if (renameat(db->etcfd, line, db->etcfd, target) == 0)
			done++;
		else if (errno != ENOENT)
			return vps_error(err, errno, "finish interrupted update: rename /etc/%s",
					 line);
	}
	fsync(db->etcfd);
	if (unlinkat(db->etcfd, JOURNAL, 0) < 0 && errno != ENOENT)
		return vps_error(err, errno, "remove /etc/" JOURNAL);
	fsync(db->etcfd);
	log_warn("finished an interrupted account update (%d file%s renamed)", done,
		 done == 1 ? "" : "s");
	return 0;
}

/* Remove temps of an update that died before its journal was written. */
static int remove_strays(struct vps_userdb *db, vps_err *err)
{
	int dfd = openat(db->etcfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return vps_error(err, errno, "open /etc");
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return vps_error(err, errno, "read /etc");
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (temp_target(de->d_name) && unlinkat(db->etcfd, de->d_name, 0) == 0)
			log_debug("removed stale /etc/%s", de->d_name);
	closedir(d);
	return 0;
}

static int take_lock(struct vps_userdb *db, vps_err *err)
{
	/* A lock file we create belongs to the VPS's root (a user namespace's too);
	 * an existing one is opened only if it is a regular file (a FIFO or a device
	 * planted there is refused, never opened). */
	db->lockfd = openat(db->etcfd, ".pwd.lock",
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (db->lockfd >= 0 && fchown(db->lockfd, db->root_uid, db->root_gid) < 0)
		log_warn("chown /etc/.pwd.lock: %m");
	if (db->lockfd < 0 && errno != EEXIST)
		return vps_error(err, errno, "/etc/.pwd.lock");
	if (db->lockfd < 0)
		db->lockfd =
		    open_regular_at(db->etcfd, ".pwd.lock", "/etc/.pwd.lock", O_WRONLY, NULL, err);
	if (db->lockfd < 0)
		return db->lockfd;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	for (int i = 0; i < LOCK_TRIES; i++) {
		if (fcntl(db->lockfd, F_OFD_SETLK, &fl) == 0)
			return 0;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return vps_error(err, errno, "lock /etc/.pwd.lock");
		nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	}
	return vps_errorx(err, EBUSY,
			  "/etc/.pwd.lock: held by another process for 15 s (an account tool "
			  "running inside the VPS?)");
}

static int read_one(struct vps_userdb *db, struct vps_pwdb_file *f, vps_err *err)
{
	char path[64];
	if (vps_snprintf(path, sizeof(path), "/etc/%s", f->name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "/etc/%s: name too long", f->name);
	_cleanup_close_ int fd = vps_open_regular_in_root(db->rootfd, path, O_RDONLY, &f->st, err);
	if (fd == -ENOENT)
		return 0;
	if (fd == -ELOOP)
		return vps_errorx(err, ELOOP,
				  "%s: a symlink loop inside the VPS (symlinks are resolved inside "
				  "its root, never on the host)",
				  path);
	if (fd < 0)
		return fd;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = vps_read_fd(fd, path, PWFILE_MAX, &buf, &len, err);
	if (r < 0)
		return r;
	if (strlen(buf) != len)
		return vps_errorx(err, EINVAL, "%s: contains NUL bytes; not touching it", path);
	f->exists = true;
	return vps_pwdb_parse(f, buf, err);
}

int vps_userdb_open(const char *rootfs_path, struct vps_userdb **out, vps_err *err)
{
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = calloc(1, sizeof(*db));
	if (!db)
		return vps_error(err, ENOMEM, "rootfs %s", rootfs_path);
	db->rootfd = db->etcfd = db->lockfd = -1;
	for (int i = 0; i < VPS_PWFILE_MAX; i++) {
		db->f[i].name = pw_names[i];
		db->f[i].nfields = pw_nfields[i];
	}
	struct stat st;
	db->rootfd = open(rootfs_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (db->rootfd < 0 || fstat(db->rootfd, &st) < 0)
		return vps_error(err, errno, "rootfs %s", rootfs_path);
	db->root_uid = st.st_uid;
	db->root_gid = st.st_gid;
	db->etcfd = vps_open_in_root(db->rootfd, "/etc", O_RDONLY | O_DIRECTORY, 0, err);
	if (db->etcfd == -ENOENT) {
		if (mkdirat(db->rootfd, "etc", 0755) < 0 && errno != EEXIST)
			return vps_error(err, errno, "create %s/etc", rootfs_path);
		db->etcfd = vps_open_in_root(db->rootfd, "/etc", O_RDONLY | O_DIRECTORY, 0, err);
		if (db->etcfd >= 0 && fchown(db->etcfd, st.st_uid, st.st_gid) < 0)
			return vps_error(err, errno, "chown %s/etc", rootfs_path);
	}
	if (db->etcfd < 0)
		return vps_error_wrap(err, "rootfs %s", rootfs_path);
	int r = take_lock(db, err);
	if (r >= 0)
		r = roll_forward(db, err);
	if (r >= 0)
		r = remove_strays(db, err);
	for (int i = 0; r >= 0 && i < VPS_PWFILE_MAX; i++)
		r = read_one(db, &db->f[i], err);
	if (r < 0)
		return r;
	*out = take_ptr(db);
	return 0;
}

/* Owner and mode for a rewrite: the old file's, or the defaults for a new one
 * (shadow files 0640 root:shadow when the VPS has a shadow group, else 0600). */
static void new_attrs(struct vps_userdb *db, int i, mode_t *mode, uid_t *uid, gid_t *gid)
{
	const struct vps_pwdb_file *f = &db->f[i];
	if (f->exists) {
		*mode = f->st.st_mode & 07777;
		if ((i == VPS_SHADOW || i == VPS_GSHADOW) && (*mode & 007)) {
			log_warn("/etc/%s was readable by everyone (mode %04o); now %04o", f->name,
				 (unsigned)*mode, (unsigned)(*mode & ~007u));
			*mode &= ~007u;
		}
		*uid = f->st.st_uid;
		*gid = f->st.st_gid;
		return;
	}
	*uid = db->root_uid;
	*gid = db->root_gid;
	*mode = 0644;
	if (i == VPS_SHADOW || i == VPS_GSHADOW) {
		struct vps_pwline *g = vps_pwdb_find(&db->f[VPS_GROUP], "shadow");
		*mode = g && g->f ? 0640 : 0600;
		if (g && g->f)
			*gid = db->root_gid + (gid_t)strtoul(g->f[2], NULL, 10);
	}
}

int vps_userdb_commit(struct vps_userdb *db, vps_err *err)
{
	static const int add_order[] = {VPS_GSHADOW, VPS_GROUP, VPS_SHADOW, VPS_PASSWD};
	static const int del_order[] = {VPS_PASSWD, VPS_SHADOW, VPS_GROUP, VPS_GSHADOW};
	const int *order = db->removing ? del_order : add_order;
	char tmp[VPS_PWFILE_MAX][64] = {{0}};
	char journal[512] = "";
	int n = 0, r = 0;
	for (int k = 0; k < VPS_PWFILE_MAX && r >= 0; k++) {
		int i = order[k];
		if (!db->f[i].changed)
			continue;
		_cleanup_free_ char *buf = NULL;
		size_t len;
		mode_t mode;
		uid_t uid;
		gid_t gid;
		new_attrs(db, i, &mode, &uid, &gid);
		r = vps_pwdb_format(&db->f[i], &buf, &len, err);
		if (r >= 0)
			r = vps_write_temp_at(db->etcfd, db->f[i].name, buf, len, mode, uid, gid,
					      tmp[i], sizeof(tmp[i]), err);
		if (r >= 0) {
			size_t jl = strlen(journal);
			r = vps_snprintf(journal + jl, sizeof(journal) - jl, "%s %s\n", tmp[i],
					 db->f[i].name);
			if (r < 0)
				r = vps_errorx(err, -r, "account files: journal too long");
			n++;
		}
	}
	if (r >= 0 && n > 1)
		r = vps_write_atomic_at(db->etcfd, JOURNAL, journal, strlen(journal), 0600,
					db->root_uid, db->root_gid, err);
	if (r < 0) {
		for (int i = 0; i < VPS_PWFILE_MAX; i++)
			if (tmp[i][0])
				unlinkat(db->etcfd, tmp[i], 0);
		return vps_error_wrap(err, "update /etc (nothing changed)");
	}
	for (int k = 0; k < VPS_PWFILE_MAX; k++) {
		int i = order[k];
		if (tmp[i][0] && renameat(db->etcfd, tmp[i], db->etcfd, db->f[i].name) < 0)
			return vps_error(err, errno,
					 "rename /etc/%s (the next vps account command finishes "
					 "this update)",
					 db->f[i].name);
		if (tmp[i][0])
			db->f[i].changed = false;
	}
	if (fsync(db->etcfd) < 0)
		return vps_error(err, errno, "fsync /etc");
	if (n > 1 && (unlinkat(db->etcfd, JOURNAL, 0) < 0 || fsync(db->etcfd) < 0))
		return vps_error(err, errno, "remove /etc/" JOURNAL);
	return 0;
}

void vps_userdb_free(struct vps_userdb *db)
{
	if (!db)
		return;
	for (int i = 0; i < VPS_PWFILE_MAX; i++)
		vps_pwdb_clear(&db->f[i]);
	if (db->lockfd >= 0)
		close(db->lockfd);
	if (db->etcfd >= 0)
		close(db->etcfd);
	if (db->rootfd >= 0)
		close(db->rootfd);
	free(db);
}
