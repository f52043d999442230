/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps users: list a VPS's users (table or JSON). */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/users_common.h"
#include "util/cleanup.h"
#include "util/fmt.h"

static void print_json(struct vps_user_info *v, size_t n)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object(), *g = json_object_new_array();
		json_object_object_add(o, "name", json_object_new_string(v[i].name));
		json_object_object_add(o, "uid", json_object_new_int64(v[i].uid));
		json_object_object_add(o, "gid", json_object_new_int64(v[i].gid));
		json_object_object_add(o, "comment", json_object_new_string(v[i].comment));
		json_object_object_add(o, "home", json_object_new_string(v[i].home));
		json_object_object_add(o, "shell", json_object_new_string(v[i].shell));
		json_object_object_add(o, "password", json_object_new_string(v[i].password));
		for (char **p = v[i].groups; p && *p; p++)
			json_object_array_add(g, json_object_new_string(*p));
		json_object_object_add(o, "groups", g);
		json_object_array_add(arr, o);
	}
	puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

/* s with C0 controls, DEL and UTF-8 C1 controls (U+0080..U+009F, e.g. CSI)
 * as \xNN: the fields come from the tenant's files and must not drive the
 * admin's terminal. A backslash is doubled. Truncated to fit buf. */
static const char *esc(char *buf, size_t len, const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && w + 9 < len; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
		if (c1) {
			w += (size_t)vps_snprintf(buf + w, len - w, "\\x%02x\\x%02x", p[0], p[1]);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			w += (size_t)vps_snprintf(buf + w, len - w, "\\x%02x", p[0]);
		} else {
			if (*p == '\\')
				buf[w++] = '\\';
			buf[w++] = (char)*p;
		}
	}
	buf[w] = '\0';
	return buf;
}

static void print_table(struct vps_user_info *v, size_t n)
{
	printf("%-16s %7s %7s %-8s %-20s %-14s %s\n", "NAME", "UID", "GID", "PASSWORD", "HOME",
	       "SHELL", "GROUPS");
	char a[1024], b[1024], c[1024];
	for (size_t i = 0; i < n; i++) {
		printf("%-16s %7u %7u %-8s %-20s %-14s ", esc(a, sizeof(a), v[i].name), v[i].uid,
		       v[i].gid, v[i].password, esc(b, sizeof(b), v[i].home),
		       esc(c, sizeof(c), v[i].shell));
		for (char **p = v[i].groups; p && *p; p++)
			printf("%s%s", p == v[i].groups ? "" : ",", esc(a, sizeof(a), *p));
		printf("\n");
	}
}

int cmd_users(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
					     {"json", no_argument, NULL, 'j'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *bundle = NULL;
	bool json = false;
	int opt, rc;
	while ((opt = cli_getopt(ctx, argc, argv, "b:h", opts)) != -1) {
		if (opt == 'b')
			bundle = optarg;
		else if (opt == 'j')
			json = true;
		else if ((rc = cli_opt_common(ctx, opt)) >= 0)
			return rc;
	}
	if (argc - optind != (bundle ? 0 : 1))
		return cli_usage(ctx, bundle ? "expects no argument with --bundle"
					     : "expects NAME (or --bundle DIR)");
	_cleanup_(vps_userdb_freep) struct vps_userdb *db = NULL;
	struct vps_user_info *v = NULL;
	size_t n = 0;
	if (cli_users_open(ctx, bundle, argc, argv, &db) < 0 ||
	    vps_user_list(db, &v, &n, &ctx->err) < 0)
		return cli_fail(ctx);
	if (json)
		print_json(v, n);
	else
		print_table(v, n);
	vps_user_info_free(v, n);
	return 0;
}
