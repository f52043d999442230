/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bounded, fd-based directory tree walker with a visitor: openat/fdopendir,
 * never follows a symlink, optionally stops at mount points. */
#pragma once
#include <stdbool.h>

enum vps_walk_when {
	VPS_WALK_OTHER,	   /* not a directory we entered: file, symlink, device, or gone */
	VPS_WALK_DIR_PRE,  /* a directory, before its entries */
	VPS_WALK_DIR_POST, /* the same directory, after its entries */
	VPS_WALK_DIR_ABORT /* instead of DIR_POST when its entries failed or it was too
			      deep: release what DIR_PRE set up (return value ignored) */
};

struct vps_walk_entry {
	int dfd;	    /* the parent directory */
	const char *name;   /* the entry's name in dfd (valid during the call only) */
	int fd;		    /* DIR_*: the directory itself (O_RDONLY), else -1 */
	int depth;	    /* 0: the starting entry */
	unsigned char type; /* DT_* from readdir (DT_DIR for DIR_*); DT_UNKNOWN if not known
			       (the starting entry, filesystems without d_type) */
	enum vps_walk_when when;
	void *parent; /* the parent directory's data (NULL for the starting entry) */
	void *data;   /* per-directory pointer: set at DIR_PRE, handed to its entries as
			 `parent` and back at its DIR_POST / DIR_ABORT */
};

/* <0: an error (the walk stops and returns it); 0: go on; at DIR_PRE,
 * VPS_WALK_SKIP: do not enter this directory (no DIR_POST or DIR_ABORT either:
 * the visitor releases its data itself, as on an error from DIR_PRE). */
#define VPS_WALK_SKIP 1
typedef int (*vps_walk_fn)(struct vps_walk_entry *e, void *ctx);

struct vps_walk_opts {
	int max_depth;	     /* a directory deeper than this: after its DIR_PRE (so the visitor
				can name it) its entries are not read and the walk fails -ELOOP */
	bool stop_at_mounts; /* a directory on another st_dev than the start: -EBUSY */
	bool keep_going;     /* after an error go on with the siblings (a directory whose
				entries failed gets DIR_ABORT); the last error is returned */
};

/* Walk dfd/name: name itself (depth 0), then its entries in readdir order,
 * each directory's entries before its DIR_POST. "." and ".." are skipped.
 * An entry whose d_type says it is not a directory is never opened; a directory
 * that cannot be opened (other than vanished: OTHER) is an error. */
int vps_walk_at(int dfd, const char *name, const struct vps_walk_opts *o, vps_walk_fn fn,
		void *ctx);
