/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes and counts from the command line (see size.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/size.h"

/* "K" "Ki" "KB" "KiB" (any case) -> the power of 1024; -1 when not a suffix. */
static int suffix_shift(const char *p)
{
	static const char units[] = "kmgtp";
	if (!*p || (p[0] == 'b' || p[0] == 'B'))
		return p[0] && p[1] ? -1 : 0;
	const char *u = strchr(units, tolower((unsigned char)p[0]));
	if (!u)
		return -1;
	p++;
	if (*p == 'i' || *p == 'I')
		p++;
	if (*p == 'b' || *p == 'B')
		p++;
	return *p ? -1 : 10 * (int)(u - units + 1);
}

int vps_parse_size(const char *what, const char *s, bool unlimited, int64_t *out, vps_err *err)
{
	if (unlimited && strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	char *end;
	errno = 0;
	double v = isdigit((unsigned char)s[0]) ? strtod(s, &end) : -1;
	int shift = v >= 0 ? suffix_shift(end) : -1;
	if (errno || shift < 0 || !isfinite(v) || strchr(s, 'x') || strchr(s, 'X'))
		return vps_errorx(err, EINVAL,
				  "%s \"%s\": expected a size like 512M, 1.5G or 1GiB (bytes "
				  "without a suffix%s)",
				  what, s, unlimited ? ", -1 for unlimited" : "");
	double bytes = ldexp(v, shift);
	if (bytes >= 0x1p62)
		return vps_errorx(err, ERANGE, "%s \"%s\": too large (at most 4E)", what, s);
	*out = (int64_t)(bytes + 0.5);
	return 0;
}

int vps_parse_count(const char *what, const char *s, bool unlimited, int64_t *out, vps_err *err)
{
	if (unlimited && strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = isdigit((unsigned char)s[0]) ? strtoll(s, &end, 10) : -1;
	if (v < 0 || *end || errno)
		return vps_errorx(err, errno == ERANGE ? ERANGE : EINVAL,
				  "%s \"%s\": expected a number (a count, like 1024%s)", what, s,
				  unlimited ? ", or -1 for unlimited" : "");
	*out = v;
	return 0;
}
