/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parse the guest configuration records written by the host (runtime/vm/guestconf.c). */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "runtime/vm/guest/guest.h"

static unsigned long long num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static void add(const char **arr, size_t *n, size_t max, const char *v)
{
	if (*n < max)
		arr[(*n)++] = v;
}

static void rlimit(struct gconf *c, char *v)
{
	if (c->n_rlimits >= 32)
		return;
	char *p = v;
	int res = (int)strtol(p, &p, 10);
	unsigned long long soft = 0, hard = 0;
	if (*p == ':')
		soft = strtoull(p + 1, &p, 10);
	if (*p == ':')
		hard = strtoull(p + 1, &p, 10);
	c->rlimits[c->n_rlimits].res = res;
	c->rlimits[c->n_rlimits].soft = soft;
	c->rlimits[c->n_rlimits].hard = hard;
	c->n_rlimits++;
}

static void one(struct gconf *c, char *k, char *v)
{
	if (!strcmp(k, "arg") && c->n_args < G_MAX_ITEMS)
		c->args[c->n_args++] = v;
	else if (!strcmp(k, "env") && c->n_env < G_MAX_ITEMS)
		c->env[c->n_env++] = v;
	else if (!strcmp(k, "cwd"))
		c->cwd = v;
	else if (!strcmp(k, "uid"))
		c->uid = (uid_t)num(v);
	else if (!strcmp(k, "gid"))
		c->gid = (gid_t)num(v);
	else if (!strcmp(k, "group") && c->n_gids < 64)
		c->gids[c->n_gids++] = (gid_t)num(v);
	else if (!strcmp(k, "umask"))
		c->umask = (long)num(v);
	else if (!strcmp(k, "tty"))
		c->tty = *v == '1';
	else if (!strcmp(k, "nnp"))
		c->nnp = *v == '1';
	else if (!strcmp(k, "pidns"))
		c->pidns = *v == '1';
	else if (!strcmp(k, "ro_root"))
		c->ro_root = *v == '1';
	else if (!strcmp(k, "root_dev"))
		c->root_dev = v;
	else if (!strcmp(k, "debug"))
		c->debug = *v == '1';
	else if (!strcmp(k, "rows"))
		c->rows = (unsigned)num(v);
	else if (!strcmp(k, "cols"))
		c->cols = (unsigned)num(v);
	else if (!strcmp(k, "hostname"))
		c->hostname = v;
	else if (!strcmp(k, "domainname"))
		c->domainname = v;
	else if (!strcmp(k, "rlimit"))
		rlimit(c, v);
	else if (!strcmp(k, "mount"))
		add(c->mounts, &c->n_mounts, G_MAX_ITEMS, v);
	else if (!strcmp(k, "masked"))
		add(c->masked, &c->n_masked, G_MAX_ITEMS, v);
	else if (!strcmp(k, "readonly"))
		add(c->readonly, &c->n_readonly, G_MAX_ITEMS, v);
	else if (!strcmp(k, "seed"))
		c->seed = v;
	else if (!strcmp(k, "time"))
		c->time = v;
	else if (!strcmp(k, "module"))
		add(c->modules, &c->n_modules, 32, v);
}

int gconf_parse(char *buf, size_t len, struct gconf *c)
{
	memset(c, 0, sizeof(*c));
	c->umask = -1;
	size_t i = 0;
	while (i < len) {
		char *rec = buf + i;
		size_t n = strnlen(rec, len - i);
		if (i + n >= len)
			return -1; /* unterminated record */
		i += n + 1;
		char *eq = strchr(rec, '=');
		if (!eq)
			continue;
		*eq = '\0';
		one(c, rec, eq + 1);
	}
	c->args[c->n_args] = NULL;
	c->env[c->n_env] = NULL;
	return c->n_args ? 0 : -1;
}
