/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container id grammar (runc's): the one check every layer that takes an
 * id from a user or a file applies before using it in a path. */
#include <errno.h>
#include <string.h>

#include "specs/state.h"

#define ID_MAX 1024

int vps_id_validate(const char *id, vps_err *err)
{
	size_t len = id ? strlen(id) : 0;
	if (len == 0)
		return vps_errorx(err, EINVAL, "container id must not be empty");
	if (len > ID_MAX)
		return vps_errorx(err, EINVAL, "container id is longer than %d bytes", ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return vps_errorx(err, EINVAL, "invalid container id \"%s\"", id);
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("_+.-", *c)))
			return vps_errorx(err, EINVAL,
					  "invalid container id \"%s\": only letters, digits and "
					  "_ + - . are allowed",
					  id);
	return 0;
}
