/* SPDX-License-Identifier: GPL-2.0-or-later */
/* .process.capabilities: five sets of "CAP_*" names as bit masks.
 * As the runtime spec requires (runtime-spec#1094, runc#2854), a name that
 * cannot be mapped to a capability of the running kernel is logged as a
 * warning and ignored, never an error: a container asking for a capability
 * the kernel lacks simply does not get it. Non-strings are still errors. */
#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "specs/parse_int.h"
#include "util/cleanup.h"
#include "util/log.h"

static void cap_freep(char **s)
{
	if (*s)
		cap_free(*s);
}

/* CAP_* number of name, or -1 when unknown here or to this kernel. */
static int cap_number(const char *name)
{
	cap_value_t v;
	if (strncmp(name, "CAP_", 4) != 0)
		return -1;
	for (const char *c = name; *c; c++)
		if (!isupper((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_')
			return -1;
	if (cap_from_name(name, &v) < 0 || v < 0 || v > 63 || v >= (cap_value_t)cap_max_bits())
		return -1;
	/* cap_from_name also takes numbers and "all": insist on the real name */
	_cleanup_(cap_freep) char *real = cap_to_name(v);
	if (!real || strcasecmp(real, name) != 0)
		return -1;
	return v;
}

static int parse_set(struct jp *p, json_object *o, const char *key, uint64_t *mask)
{
	_cleanup_strv_ char **names = NULL;
	size_t n = 0;
	int r = jp_strv(p, o, key, false, &names, &n);
	if (r <= 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		int c = cap_number(names[i]);
		if (c < 0)
			log_warn(
			    "%s: %s.%s[%zu]: ignoring unknown or unavailable capability \"%s\"",
			    p->file, p->path, key, i, names[i]);
		else
			*mask |= 1ULL << c;
	}
	return 1;
}

int oci_parse_caps(struct jp *p, json_object *o, void *caps, void *ctx)
{
	struct oci_caps *c = caps;
	(void)ctx;
	if (parse_set(p, o, "bounding", &c->bounding) < 0 ||
	    parse_set(p, o, "effective", &c->effective) < 0 ||
	    parse_set(p, o, "inheritable", &c->inheritable) < 0 ||
	    parse_set(p, o, "permitted", &c->permitted) < 0 ||
	    parse_set(p, o, "ambient", &c->ambient) < 0)
		return -EINVAL;
	return 0;
}
