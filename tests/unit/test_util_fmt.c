/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util/fmt.h: vps_snprintf returns the length when the text fits, and
 * -ENAMETOOLONG with an empty buffer (never a truncated prefix) when not;
 * vps_fdpath names an fd whole, the longest int too. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "tests/unit/tap.h"
#include "util/fmt.h"

int main(void)
{
	char b[8];
	is_int(vps_snprintf(b, sizeof(b), "%s/%d", "ab", 42), 5, "fits: the length");
	is_str(b, "ab/42", "fits: the text");
	is_int(vps_snprintf(b, sizeof(b), "%s", "1234567"), 7, "exactly cap-1 fits");
	is_str(b, "1234567", "exactly cap-1: the text");
	is_int(vps_snprintf(b, sizeof(b), "%s", "12345678"), -ENAMETOOLONG, "cap bytes: too long");
	is_str(b, "", "too long leaves an empty string, not a prefix");
	is_int(vps_snprintf(b, 0, "x"), -EINVAL, "cap 0 is refused");
	static char path[PATH_MAX], name[PATH_MAX];
	memset(name, 'a', sizeof(name) - 1);
	is_int(vps_snprintf(path, sizeof(path), "/run/vps/%s", name), -ENAMETOOLONG,
	       "a PATH_MAX name under a root does not fit in PATH_MAX");
	is_str(path, "", "and nothing of it is left to open by mistake");
	struct vps_fdpath p;
	is_str(vps_fdpath(&p, 7), "/proc/self/fd/7", "vps_fdpath");
	is_str(vps_fdpath(&p, INT_MAX), "/proc/self/fd/2147483647", "vps_fdpath of INT_MAX");
	is_str(vps_fdpath(&p, INT_MIN), "/proc/self/fd/-2147483648", "and of INT_MIN: it fits");
	return done_testing();
}
