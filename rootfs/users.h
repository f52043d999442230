/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-VPS users, groups and passwords, edited from the host without running
 * anything inside the VPS. The four account files (/etc/passwd, /etc/shadow,
 * /etc/group, /etc/gshadow) are reached only through a dirfd of the rootfs
 * with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), under the VPS's own
 * /etc/.pwd.lock (lckpwdf semantics: an fcntl write lock on that file).
 *
 * Crash safety: each changed file is written to a temp file in /etc, fsynced,
 * then renamed over the old one (keeping owner and mode). When one operation
 * changes several files (useradd, userdel, ...), every temp file is staged
 * first, then a journal /etc/.vps-pwd.journal listing "TEMP FINAL" pairs is
 * written atomically, then the temps are renamed in a fixed order and the
 * journal is removed. The next vps_userdb_open() finishes a journal left by a
 * crash (roll forward: rename the temps still there) and removes stray temps
 * of an operation that crashed before its journal was written (roll back).
 * So a kill -9 at any moment leaves each file old or new, and after the next
 * vps command the four files are again consistent (all or none). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/err.h"

enum vps_pwfile { VPS_PASSWD, VPS_SHADOW, VPS_GROUP, VPS_GSHADOW, VPS_PWFILE_MAX };

struct vps_pwline {
	char *raw; /* the line as read, without '\n' */
	char **f;  /* fields (NULL for a line kept verbatim) */
	size_t nf;
	bool deleted; /* dropped when written */
};

struct vps_pwdb_file {
	const char *name; /* "passwd" ... */
	size_t nfields;	  /* 7, 9, 4, 4 */
	bool exists, changed;
	struct stat st; /* of the file read (owner/mode kept on rewrite) */
	struct vps_pwline *lines;
	size_t n, cap;
};

struct vps_userdb {
	int rootfd, etcfd, lockfd;
	uid_t root_uid; /* host owner of the rootfs "/" (root in a user namespace) */
	gid_t root_gid;
	bool removing; /* commit order: passwd first (removals) or last (additions) */
	struct vps_pwdb_file f[VPS_PWFILE_MAX];
};

/* Open the rootfs at rootfs_path, take /etc/.pwd.lock (waits up to 15 s),
 * finish or undo an interrupted operation, read the four files. Corrupted
 * lines are logged with file:line and kept verbatim. */
int vps_userdb_open(const char *rootfs_path, struct vps_userdb **out, vps_err *err);
/* Write every changed file (see the crash-safety note above). */
int vps_userdb_commit(struct vps_userdb *db, vps_err *err);
/* Release the lock and free. NULL ok. */
void vps_userdb_free(struct vps_userdb *db);
static inline void vps_userdb_freep(struct vps_userdb **db)
{
	vps_userdb_free(*db);
}

/* ---- lines (users_db.c) ---- */
/* Parse buf into file f (keeps corrupted lines verbatim, logs them). */
int vps_pwdb_parse(struct vps_pwdb_file *f, const char *buf, vps_err *err);
/* Format f (deleted lines dropped) into a malloc'ed buffer. */
int vps_pwdb_format(const struct vps_pwdb_file *f, char **out, size_t *len, vps_err *err);
void vps_pwdb_clear(struct vps_pwdb_file *f);
/* The line whose first field is name (also a verbatim line starting "name:"), or NULL. */
struct vps_pwline *vps_pwdb_find(struct vps_pwdb_file *f, const char *name);
/* First well-formed line whose field idx equals the number id, or NULL. */
struct vps_pwline *vps_pwdb_find_id(struct vps_pwdb_file *f, size_t idx, uint32_t id);
/* Append a line of f->nfields fields (copied). */
int vps_pwdb_append(struct vps_pwdb_file *f, const char *const *fields, vps_err *err);
/* Replace one field of a line (copies val) and mark the file changed. */
int vps_pwdb_set(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *val,
		 vps_err *err);
/* Comma lists (group members): add/remove a name; returns 1 if changed. */
int vps_pwdb_list_add(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *name,
		      vps_err *err);
int vps_pwdb_list_del(struct vps_pwdb_file *f, struct vps_pwline *l, size_t idx, const char *name,
		      vps_err *err);

/* ---- validation (users_valid.c) ---- */
/* User/group names as shadow-utils accepts them: 1..32 bytes of
 * [A-Za-z0-9_.-] (a trailing '$' allowed), not starting with '-', not all
 * digits, not "." or "..". kind is "user" or "group" for the message. */
int vps_name_validate(const char *kind, const char *name, vps_err *err);
/* A decimal id in 0..4294967294 (not (uid_t)-1). what names it in errors. */
int vps_id_parse(const char *what, const char *s, uint32_t *out, vps_err *err);
/* exec -u USER[:GROUP] in the VPS at rootfs: names resolved through its own
 * /etc/passwd and /etc/group (inside the rootfs, read-only), numbers taken as
 * they are. A user name alone also gives its primary group (*has_gid). */
int vps_users_resolve(const char *rootfs, const char *user, const char *group, uint32_t *uid,
		      uint32_t *gid, bool *has_gid, vps_err *err);
/* The home directory of uid in /etc/passwd of the root at rootfd (*home
 * malloc'ed; NULL when no entry or an empty field). */
int vps_users_home(int rootfd, uint32_t uid, char **home, vps_err *err);
/* GECOS, home and shell fields: no ':' or newline; home and shell absolute. */
int vps_field_validate(const char *what, const char *val, bool absolute, vps_err *err);

/* ---- passwords (passwd_crypt.c) ---- */
/* Hash a password with method "yescrypt" or "sha512" (libcrypt). */
int vps_password_hash(const char *password, const char *method, char **out, vps_err *err);
/* Check a ready crypt hash: a known, enabled, non-legacy method, well-formed. */
int vps_hash_validate(const char *hash, vps_err *err);
/* The VPS's preferred method from its /etc/login.defs ENCRYPT_METHOD
 * (NULL if unset or unknown): "yescrypt" or "sha512". */
const char *vps_userdb_default_method(struct vps_userdb *db);

/* ---- operations (passwd_ops.c, users_ops.c, groups_ops.c) ---- */
enum vps_pw_action { VPS_PW_SET, VPS_PW_LOCK, VPS_PW_UNLOCK };
/* Set (hash given), lock or unlock user's password (shadow entry made if missing). */
int vps_user_passwd(struct vps_userdb *db, const char *user, enum vps_pw_action act,
		    const char *hash, vps_err *err);

struct vps_useradd {
	const char *name;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;	    /* --gid N (must exist) */
	const char *group;  /* --group G (must exist) */
	const char *groups; /* "a,b" supplementary, each must exist */
	const char *home, *shell, *comment;
	bool system, create_home;
	const char *hash; /* NULL: locked ("!") */
};
int vps_user_add(struct vps_userdb *db, const struct vps_useradd *o, vps_err *err);
/* Remove user from all four files (and its private group if unused). Its home
 * and uid are returned (home malloc'ed) when asked, for vps_home_remove. root
 * and the last user of uid 0 are refused (EPERM) unless force. */
int vps_user_del(struct vps_userdb *db, const char *user, bool force, char **home, uint32_t *uid,
		 vps_err *err);
int vps_group_add(struct vps_userdb *db, const char *name, bool has_gid, uint32_t gid, bool system,
		  vps_err *err);
int vps_group_del(struct vps_userdb *db, const char *name, vps_err *err);

/* Home directories inside the rootfs (users_home.c). */
int vps_home_create(struct vps_userdb *db, const char *home, uint32_t uid, uint32_t gid,
		    vps_err *err);
int vps_home_remove(struct vps_userdb *db, const char *home, uint32_t uid, vps_err *err);

struct vps_user_info {
	const char *name, *home, *shell, *comment; /* point into db */
	uint32_t uid, gid;
	const char *password; /* "set", "locked", "empty", "none" */
	char **groups;	      /* supplementary (owned strv) */
};
/* Every well-formed passwd line, in file order. Free with vps_user_info_free. */
int vps_user_list(struct vps_userdb *db, struct vps_user_info **out, size_t *n, vps_err *err);
void vps_user_info_free(struct vps_user_info *v, size_t n);
