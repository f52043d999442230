/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Validation of names, ids and fields, following shadow-utils' rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rootfs/users.h"
#include "rootfs/users_internal.h"
#include "util/fmt.h"

#define NAME_MAX_LEN 32 /* Debian's useradd/groupadd limit (utmp ut_user) */

int vps_name_validate(const char *kind, const char *name, vps_err *err)
{
	size_t len = strlen(name);
	if (len == 0)
		return vps_errorx(err, EINVAL, "%s name is empty", kind);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
			  (c == '$' && i == len - 1);
		if (!ok)
			return vps_errorx(err, EINVAL,
					  "%s name \"%.*s...\": invalid character '%s%c' (allowed: "
					  "letters, digits, '_', '.', '-', a final '$')",
					  kind, (int)i, name, c == '\n' ? "\\" : "",
					  c == '\n' ? 'n' : c);
	}
	if (len > NAME_MAX_LEN)
		return vps_errorx(err, EINVAL, "%s name \"%.40s%s\": longer than %d characters",
				  kind, name, len > 40 ? "..." : "", NAME_MAX_LEN);
	if (name[0] == '-')
		return vps_errorx(err, EINVAL, "%s name \"%s\": must not start with '-'", kind,
				  name);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return vps_errorx(err, EINVAL, "%s name \"%s\": not allowed", kind, name);
	if (strspn(name, "0123456789") == len)
		return vps_errorx(err, EINVAL, "%s name \"%s\": must not be all digits", kind,
				  name);
	return 0;
}

int vps_id_parse(const char *what, const char *s, uint32_t *out, vps_err *err)
{
	size_t len = strlen(s);
	if (len == 0 || len > 10 || strspn(s, "0123456789") != len)
		return vps_errorx(err, EINVAL, "%s \"%s\": expected a number 0..4294967294", what,
				  s);
	unsigned long long v = strtoull(s, NULL, 10);
	if (v >= 4294967295ULL)
		return vps_errorx(err, ERANGE, "%s %s: out of range 0..4294967294", what, s);
	*out = (uint32_t)v;
	return 0;
}

int vps_field_validate(const char *what, const char *val, bool absolute, vps_err *err)
{
	for (const char *p = val; *p; p++)
		if (*p == ':' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return vps_errorx(err, EINVAL,
					  "%s \"%s\": must not contain ':' or "
					  "control characters",
					  what, val);
	if (absolute && val[0] != '/')
		return vps_errorx(err, EINVAL, "%s \"%s\": must be an absolute path", what, val);
	if (strlen(val) > 1024)
		return vps_errorx(err, EINVAL, "%s: longer than 1024 bytes", what);
	return 0;
}

void vps_users_today(char *buf, size_t len)
{
	/* fits: a day number in callers' 24 */
	vps_snprintf(buf, len, "%lld", (long long)(time(NULL) / 86400));
}
