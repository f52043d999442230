/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the account-file logic: parsing, formatting, member lists,
 * validation, hashing. */
#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "rootfs/template.h"
#include "rootfs/users.h"
#include "tap.h"
#include "util/cleanup.h"

static struct vps_pwdb_file file(const char *name, size_t nf)
{
	return (struct vps_pwdb_file){.name = name, .nfields = nf};
}

static void test_roundtrip(void)
{
	vps_err e = {0};
	const char *in = "root:x:0:0:root:/root:/bin/sh\n"
			 "\n"
			 "+nis\n"
			 "broken\n"
			 "bob:x:12:notnum::/:/bin/sh\n"
			 "last:x:1:1::/:/bin/sh"; /* no final newline */
	struct vps_pwdb_file f = file("passwd", 7);
	is_int(vps_pwdb_parse(&f, in, &e), 0, "parse passwd");
	is_int(f.n, 6, "six lines");
	ok(f.lines[0].f && f.lines[0].nf == 7, "root parsed into 7 fields");
	ok(!f.lines[3].f && !f.lines[4].f, "corrupted lines kept verbatim");
	ok(vps_pwdb_find(&f, "bob") == &f.lines[4], "a corrupted line's name is still found");
	ok(vps_pwdb_find_id(&f, 2, 1) == &f.lines[5], "find by uid");
	char *out;
	size_t len;
	is_int(vps_pwdb_format(&f, &out, &len, &e), 0, "format");
	ok(strncmp(out, in, strlen(in)) == 0 && strcmp(out + strlen(in), "\n") == 0,
	   "format reproduces the input (plus a final newline)");
	free(out);
	f.lines[0].deleted = true;
	vps_pwdb_format(&f, &out, &len, &e);
	ok(strncmp(out, "\n+nis\n", 6) == 0, "deleted lines are dropped");
	free(out);
	vps_pwdb_clear(&f);
}

static void test_lists(void)
{
	vps_err e = {0};
	struct vps_pwdb_file g = file("group", 4);
	vps_pwdb_parse(&g, "users:x:100:a,b\nempty:x:101:\n", &e);
	is_int(vps_pwdb_list_add(&g, &g.lines[0], 3, "c", &e), 1, "add c");
	is_str(g.lines[0].f[3], "a,b,c", "members a,b,c");
	is_int(vps_pwdb_list_add(&g, &g.lines[0], 3, "b", &e), 0, "adding b again: no change");
	is_int(vps_pwdb_list_del(&g, &g.lines[0], 3, "b", &e), 1, "remove b");
	is_str(g.lines[0].f[3], "a,c", "members a,c");
	is_int(vps_pwdb_list_del(&g, &g.lines[0], 3, "zz", &e), 0, "removing a non-member");
	vps_pwdb_list_add(&g, &g.lines[1], 3, "x", &e);
	is_str(g.lines[1].f[3], "x", "first member of an empty list");
	vps_pwdb_list_del(&g, &g.lines[1], 3, "x", &e);
	is_str(g.lines[1].f[3], "", "last member removed");
	ok(g.changed, "file marked changed");
	vps_pwdb_clear(&g);
}

static void test_validation(void)
{
	vps_err e = {0};
	const char *good[] = {"root",
			      "a",
			      "web-1",
			      "_svc",
			      "machine$",
			      "A.b_c-d",
			      "abcdefghijklmnopqrstuvwxyz012345"};
	const char *bad[] = {"",    "-x", "a:b", "a\nb", "a b",
			     "123", ".",  "..",	 "a$b",	 "abcdefghijklmnopqrstuvwxyz0123456",
			     "é"};
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		is_int(vps_name_validate("user", good[i], &e), 0, "name \"%s\" accepted", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ok(vps_name_validate("user", bad[i], &e) < 0, "name #%zu rejected: %s", i, e.msg);
	uint32_t id;
	is_int(vps_id_parse("--uid", "4294967294", &id, &e), 0, "max id");
	ok(vps_id_parse("--uid", "4294967295", &id, &e) < 0, "(uid_t)-1 refused");
	ok(vps_id_parse("--uid", "-1", &id, &e) < 0, "negative refused");
	ok(vps_id_parse("--uid", "12a", &id, &e) < 0, "junk refused");
	ok(vps_field_validate("--home", "rel", true, &e) < 0, "relative home refused");
	ok(vps_field_validate("--comment", "a\tb", false, &e) < 0, "control char refused");
	int64_t v;
	is_int(vps_parse_cpus("0.5", &v, &e), 0, "0.5 cpus");
	is_int(v, 50000, "quota 50000");
}

static void test_hashes(void)
{
	vps_err e = {0};
	char *h = NULL;
	is_int(vps_password_hash("s3cret", "yescrypt", &h, &e), 0, "yescrypt hash");
	ok(h && strncmp(h, "$y$", 3) == 0, "yescrypt prefix");
	is_int(vps_hash_validate(h, &e), 0, "our own hash validates");
	static struct crypt_data cd; /* 32 KiB: off the stack */
	is_str(crypt_r("s3cret", h, &cd), h, "libcrypt verifies it");
	free(h);
	is_int(vps_password_hash("s3cret", "sha512", &h, &e), 0, "sha512 hash");
	ok(h && strncmp(h, "$6$", 3) == 0, "sha512 prefix");
	h[strlen(h) - 1] = '\0';
	ok(vps_hash_validate(h, &e) < 0, "a truncated hash is refused: %s", e.msg);
	free(h);
	ok(vps_password_hash("x", "des", &h, &e) < 0, "unknown method refused");
	ok(vps_hash_validate("$1$abcdefgh$0123456789012345678901", &e) < 0, "md5 refused");
	ok(vps_hash_validate("!", &e) < 0, "'!' is not a hash");
}

int main(void)
{
	test_roundtrip();
	test_lists();
	test_validation();
	test_hashes();
	return done_testing();
}
