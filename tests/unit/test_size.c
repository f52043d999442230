/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one size/count parser of the CLI (util/size.c). */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "util/size.h"

static void good(const char *s, bool unlimited, int64_t want)
{
	vps_err e = {0};
	int64_t v = 0;
	is_int(vps_parse_size("--memory", s, unlimited, &v, &e), 0, "size %s accepted", s);
	is_int(v, want, "size %s = %lld", s, (long long)want);
}

static void bad(const char *s, bool unlimited)
{
	vps_err e = {0};
	int64_t v = 0;
	ok(vps_parse_size("--memory", s, unlimited, &v, &e) < 0, "size \"%s\" refused: %s", s,
	   e.msg);
	ok(strstr(e.msg, "--memory") && strstr(e.msg, s), "the error names the option and input");
}

static void test_sizes(void)
{
	good("65536", false, 65536);
	good("512M", false, 512LL << 20);
	good("512m", false, 512LL << 20);
	good("1G", false, 1LL << 30);
	good("1GiB", false, 1LL << 30);
	good("1gb", false, 1LL << 30);
	good("1.5G", false, 3LL << 29);
	good("64k", false, 64LL << 10);
	good("64KiB", false, 64LL << 10);
	good("2T", false, 2LL << 40);
	good("100b", false, 100);
	good("0", false, 0);
	good("-1", true, -1);
	bad("-1", false);
	bad("-2", true);
	bad("", false);
	bad("G", false);
	bad("1X", false);
	bad("1GG", false);
	bad("1Gx", false);
	bad("0x10", false);
	bad("inf", false);
	bad(" 1G", false);
	bad("9999999P", false);
	vps_err e = {0};
	int64_t v;
	vps_parse_size("--memory", "1Q", true, &v, &e);
	ok(strstr(e.msg, "-1 for unlimited") != NULL, "says -1 is allowed where it is: %s", e.msg);
}

static void test_counts(void)
{
	vps_err e = {0};
	int64_t v = 0;
	is_int(vps_parse_count("--pids", "1024", false, &v, &e), 0, "count 1024");
	is_int(v, 1024, "1024");
	is_int(vps_parse_count("--pids", "-1", true, &v, &e), 0, "count -1 where unlimited");
	is_int(v, -1, "-1");
	ok(vps_parse_count("--pids", "-1", false, &v, &e) < 0, "-1 refused elsewhere");
	ok(vps_parse_count("--pids", "1k", true, &v, &e) < 0, "1k is not a count");
	ok(strstr(e.msg, "count") && !strstr(e.msg, "size"),
	   "a count's error speaks of a count, not a size: %s", e.msg);
	ok(vps_parse_count("--pids", "99999999999999999999", true, &v, &e) < 0, "overflow refused");
}

int main(void)
{
	test_sizes();
	test_counts();
	return done_testing();
}
