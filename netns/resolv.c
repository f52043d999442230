/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/resolv.conf and /etc/hosts inside the VPS, written from the host through
 * /proc/PID/root with every path resolved inside the VPS's root, as the VPS's
 * root: in a VPS with a user namespace that is a host id of its range (its
 * idmapped rootfs has no place for a file of host root's, EOVERFLOW). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "netns/setup.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"
#include "util/openat2.h"

static int open_etc(pid_t pid, vps_err *err)
{
	struct vps_procpath path_pp;
	const char *path = vps_procpath(&path_pp, pid, "root");
	_cleanup_close_ int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return vps_error(err, errno, "open %s", path);
	/* resolved inside the VPS's root, as rootfs/resolve.c's vps_open_in_root */
	int fd = vps_openat2(root, "/etc", O_DIRECTORY | O_RDONLY, 0,
			     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	return fd < 0 ? vps_error(err, -fd, "open /etc in the container root") : fd;
}

/* The host's nameservers that a VPS can reach (not loopback ones). */
static void host_dns(struct vps_net_cfg *cfg)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	vps_err e;
	if (vps_read_file_at(AT_FDCWD, "/etc/resolv.conf", 1 << 16, &text, &len, &e) < 0)
		return;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l && cfg->n_dns < VPS_NET_MAX_DNS;
	     l = strtok_r(NULL, "\n", &save)) {
		char addr[VPS_IP_STRLEN];
		struct vps_ip ip;
		if (sscanf(l, " nameserver %63s", addr) != 1 ||
		    vps_ip_parse(addr, 0, 128, &ip, "nameserver", &e) < 0)
			continue;
		bool loop = ip.family == AF_INET
				? ip.a[0] == 127
				: !memcmp(ip.a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
		if (!loop)
			cfg->dns[cfg->n_dns++] = ip;
	}
}

/* The host id the VPS's id 0 is (its /proc/PID/uid_map or gid_map), or 0. */
static unsigned root_id(pid_t pid, const char *map)
{
	char path[64];
	unsigned inside, host = 0, n;
	/* fits: a pid and "uid_map" or "gid_map" in 64 */
	vps_snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, map);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	for (int i = 0; f && i < 340 && fscanf(f, "%u %u %u", &inside, &host, &n) == 3; i++)
		if (inside == 0)
			return host;
	return 0;
}

/* Replace etc/name; a read-only or bind-mounted file is left alone (warning). */
static int put(int etc, const char *name, const char *text, vps_err *err)
{
	int r = vps_write_atomic_at(etc, name, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1, err);
	if (r == -EROFS || r == -EBUSY) {
		log_warn("VPS /etc/%s not written: %s", name, err->msg);
		vps_err_clear(err);
		return 0;
	}
	return r < 0 ? vps_error_wrap(err, "write the VPS's /etc/%s", name) : 0;
}

static int write_files(int etc, const char *hostname, const struct vps_net_cfg *cfg_in,
		       const struct vps_ip *ip, const struct vps_ip *ip6, vps_err *err);

int vps_net_write_etc(pid_t pid, const char *hostname, const struct vps_net_cfg *cfg_in,
		      const struct vps_ip *ip, const struct vps_ip *ip6, vps_err *err)
{
	struct vps_net_cfg cfg = *cfg_in;
	_cleanup_close_ int etc = open_etc(pid, err);
	if (etc == -ENOENT) {
		log_warn("VPS has no /etc: resolv.conf and hosts not written");
		vps_err_clear(err);
		return 0;
	}
	if (etc < 0)
		return etc;
	if (!cfg.dns_set)
		host_dns(&cfg);
	/* single-threaded: the file ids are the process's until restored */
	unsigned uid = root_id(pid, "uid_map"), gid = root_id(pid, "gid_map");
	int old_gid = gid ? setfsgid(gid) : -1, old_uid = uid ? setfsuid(uid) : -1;
	int r = write_files(etc, hostname, &cfg, ip, ip6, err);
	if (old_uid >= 0)
		setfsuid((uid_t)old_uid);
	if (old_gid >= 0)
		setfsgid((gid_t)old_gid);
	return r;
}

static int write_files(int etc, const char *hostname, const struct vps_net_cfg *cfg_in,
		       const struct vps_ip *ip, const struct vps_ip *ip6, vps_err *err)
{
	struct vps_net_cfg cfg = *cfg_in;
	char a[VPS_IP_STRLEN], text[1024];
	if (cfg.n_dns) {
		int w = vps_snprintf(text, sizeof(text), "# written by vps\n");
		for (unsigned i = 0, n = 0; i < cfg.n_dns && w >= 0; i++) {
			n += (unsigned)w;
			w = vps_snprintf(text + n, sizeof(text) - n, "nameserver %s\n",
					 vps_ip_str(&cfg.dns[i], false, a));
		}
		int r = w < 0 ? vps_errorx(err, E2BIG, "resolv.conf: too many nameservers")
			      : put(etc, "resolv.conf", text, err);
		if (r < 0)
			return r;
	}
	int n = vps_snprintf(text, sizeof(text),
			     "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
			     "%s\t%s\n",
			     vps_ip_str(ip, false, a), hostname);
	if (n >= 0 && ip6->family)
		n = vps_snprintf(text + n, sizeof(text) - (size_t)n, "%s\t%s\n",
				 vps_ip_str(ip6, false, a), hostname);
	if (n < 0)
		return vps_errorx(err, ENAMETOOLONG, "/etc/hosts: hostname %s too long", hostname);
	return put(etc, "hosts", text, err);
}
