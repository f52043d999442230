/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the rootfs/users*.c and passwd*.c files (not an interface). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Days since the epoch, for shadow's "last change" field (as a string). */
void vps_users_today(char *buf, size_t len);

struct vps_userdb;
struct vps_pwline;
#include "util/err.h"
/* The well-formed passwd line of user, or ENOENT/EINVAL with a message. */
int vps_users_need_user(struct vps_userdb *db, const char *user, struct vps_pwline **out,
			vps_err *err);

struct vps_pwdb_file;
/* A free id in the system or normal range of file f (id field idx); prefer is
 * taken when it is free and in range (0: no preference). */
int vps_users_alloc_id(struct vps_pwdb_file *f, size_t idx, bool system, uint32_t prefer,
		       uint32_t *out, vps_err *err);
/* Append "name:x:gid:" to group and "name:!::" to gshadow. */
int vps_users_append_group(struct vps_userdb *db, const char *name, uint32_t gid, vps_err *err);
/* The gshadow line of group, appended when missing (*out NULL when its line is
 * malformed: such a line is left alone). */
int vps_users_gshadow_line(struct vps_userdb *db, const char *group, struct vps_pwline **out,
			   vps_err *err);
/* The well-formed group line of name, or ENOENT/EINVAL with a message. */
int vps_users_need_group(struct vps_userdb *db, const char *name, struct vps_pwline **out,
			 vps_err *err);
