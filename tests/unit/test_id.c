/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container id rules (runc's): [A-Za-z0-9_+.-]+, not "." or "..", <= 1024 bytes. */
#include <errno.h>
#include <string.h>

#include "specs/state.h"
#include "tap.h"

int main(void)
{
	static const char *good[] = {"web1", "a", "A.b-c_d+e", "0", "...", "a..b", ".hidden"};
	static const char *bad[] = {"", ".", "..", "a/b", "a b", "a\tb", "../x", "ä", "a:b", "a*"};
	vps_err err = {0};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		is_int(vps_id_validate(good[i], &err), 0, "valid id \"%s\"", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(vps_id_validate(bad[i], &err), -EINVAL, "invalid id \"%s\" rejected",
		       bad[i]);
	vps_id_validate("a/b", &err);
	ok(strstr(err.msg, "invalid container id \"a/b\"") != NULL, "message names the id: %s",
	   err.msg);
	char longid[1026];
	memset(longid, 'x', sizeof(longid) - 1);
	longid[1024] = '\0';
	is_int(vps_id_validate(longid, &err), 0, "1024-byte id accepted");
	longid[1024] = 'x';
	longid[1025] = '\0';
	is_int(vps_id_validate(longid, &err), -EINVAL, "1025-byte id rejected");
	ok(strstr(err.msg, "longer than 1024") != NULL, "too long: %s", err.msg);
	is_int(vps_id_validate(NULL, &err), -EINVAL, "NULL id rejected");
	return done_testing();
}
