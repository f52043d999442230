/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The settings of a network namespace without a network that CRIU would
 * keep, for one vps makes anew instead (runtime/criu_netns.c): the ipv4 and
 * ipv6 conf of all, default and lo, and net.unix.max_dgram_qlen. Read at
 * the dump inside the VPS's namespace into {"ipv4/conf/all/forwarding": "0",
 * ...}; written at the restore inside the new one where it differs. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "netns/net.h"
#include "util/cleanup.h"
#include "util/fmt.h"
#include "util/walk.h"

static const char *const dirs[] = {"ipv4/conf/all", "ipv4/conf/default", "ipv4/conf/lo",
				   "ipv6/conf/all", "ipv6/conf/default", "ipv6/conf/lo"};
#define NETCONF_UNIX "unix/max_dgram_qlen"

/* a /proc/sys value without its newline (< 0: unreadable, e.g. stable_secret) */
static int read_value(int dfd, const char *name, char *buf, size_t sz)
{
	_cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sz - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

struct grab {
	json_object *o;
	const char *dir;
};

static int grab_one(struct vps_walk_entry *e, void *ctx)
{
	struct grab *g = ctx;
	char key[128], val[256];
	if (e->depth != 1 || e->when != VPS_WALK_OTHER ||
	    vps_snprintf(key, sizeof(key), "%s/%s", g->dir, e->name) < 0 ||
	    read_value(e->dfd, e->name, val, sizeof(val)) < 0)
		return 0;
	json_object_object_add(g->o, key, json_object_new_string(val));
	return 0;
}

/* in the namespace to read: every value of dirs and NETCONF_UNIX */
static int grab_all(json_object *o, vps_err *err)
{
	_cleanup_close_ int net = open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char val[256];
	if (net < 0)
		return vps_error(err, errno, "open /proc/sys/net");
	struct vps_walk_opts wo = {.max_depth = 1, .keep_going = true};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		struct grab g = {.o = o, .dir = dirs[i]};
		vps_walk_at(net, dirs[i], &wo, grab_one, &g);
	}
	if (read_value(net, NETCONF_UNIX, val, sizeof(val)) == 0)
		json_object_object_add(o, NETCONF_UNIX, json_object_new_string(val));
	return 0;
}

int vps_net_conf_save(int nsfd, json_object **out, vps_err *err)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	json_object *o = json_object_new_object();
	if (!o)
		return vps_error(err, ENOMEM, "the network settings");
	if (self < 0 || setns(nsfd, CLONE_NEWNET) < 0) {
		json_object_put(o);
		return vps_error(err, errno, "enter the VPS's network namespace");
	}
	int r = grab_all(o, err);
	if (setns(self, CLONE_NEWNET) < 0) /* going on in the wrong netns: refuse */
		r = vps_error(err, errno, "return to the host network namespace");
	if (r < 0)
		json_object_put(o);
	else
		*out = o;
	return r;
}

int vps_net_conf_apply(json_object *conf, vps_err *err)
{
	_cleanup_close_ int net = open("/proc/sys/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (net < 0)
		return vps_error(err, errno, "open /proc/sys/net");
	/* in the order saved (all, default, then lo: all's writes reach lo), the
	 * accept_redirects last (a forwarding write resets them), as CRIU does */
	for (int pass = 0; pass < 2; pass++) {
		json_object_object_foreach(conf, key, v)
		{
			const char *want = json_object_get_string(v), *base = strrchr(key, '/');
			char now[256];
			if ((base && strcmp(base, "/accept_redirects") == 0) != (pass == 1) ||
			    !want || strstr(key, "..") || key[0] == '/' ||
			    read_value(net, key, now, sizeof(now)) < 0 || strcmp(now, want) == 0)
				continue;
			_cleanup_close_ int fd = openat(net, key, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, want, strlen(want)) < 0)
				return vps_error(err, errno,
						 "sysctl net/%s = %s in the new namespace", key,
						 want);
		}
	}
	return 0;
}
