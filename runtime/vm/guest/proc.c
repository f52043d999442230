/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container inside the guest: mounts under /newroot (the 9p-shared bundle
 * rootfs), then for each process: chroot, identity, limits, exec. The guest VM
 * is the isolation boundary; this only reproduces what the spec asks for. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <grp.h>

#include "runtime/vm/guest/guest.h"
#include "util/fmt.h"

#define NEWROOT "/newroot"

__attribute__((noreturn)) void child_fail(const char *what)
{
	char msg[512];
	/* snprintf-ok: an error message, cut to fit below */
	int n = snprintf(msg, sizeof(msg), "vps: guest: %s: %s\n", what, strerror(errno));
	if (n > 0)
		write_all(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(127);
}

static const struct {
	const char *name;
	unsigned long set, clear;
} flag_tab[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"noatime", MS_NOATIME, 0},
    {"relatime", MS_RELATIME, 0},
    {"strictatime", MS_STRICTATIME, 0},
    {"nodiratime", MS_NODIRATIME, 0},
    {"bind", MS_BIND, 0},
    {"rbind", MS_BIND | MS_REC, 0},
};

static void mount_opts(char *opts, unsigned long *flags, char *data, size_t cap)
{
	data[0] = '\0';
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o;
	     o = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(flag_tab) / sizeof(flag_tab[0]); i++)
			if (!strcmp(o, flag_tab[i].name))
				break;
		if (i < sizeof(flag_tab) / sizeof(flag_tab[0])) {
			*flags = (*flags | flag_tab[i].set) & ~flag_tab[i].clear;
		} else if (strstr(o, "private") || strstr(o, "shared") || strstr(o, "slave") ||
			   !strcmp(o, "tmpcopyup")) {
			; /* propagation: one mount namespace in the guest, nothing to do */
		} else if (strlen(data) + strlen(o) + 2 < cap) {
			if (data[0])
				strcat(data, ",");
			strcat(data, o);
		}
	}
}

static void mkdir_p(const char *path)
{
	char buf[4300];
	/* fits: path was made to fit a smaller buffer */
	vps_snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

/* "dest\x1ftype\x1fsource\x1fopts" */
static void one_mount(const char *rec)
{
	char buf[4096], path[4200], data[1024];
	if (vps_snprintf(buf, sizeof(buf), "%s", rec) < 0) {
		glog("mount record too long: %.64s...", rec);
		return;
	}
	char *f[4] = {buf, NULL, NULL, NULL};
	for (int i = 1; i < 4; i++) {
		char *s = f[i - 1] ? strchr(f[i - 1], '\x1f') : NULL;
		if (s) {
			*s = '\0';
			f[i] = s + 1;
		}
	}
	if (!f[3])
		return;
	const char *type = f[1], *src = f[2];
	unsigned long flags = 0;
	mount_opts(f[3], &flags, data, sizeof(data));
	if (flags & MS_BIND)
		return; /* host paths do not exist in the guest; the host filtered them */
	if (!strcmp(f[0], "/dev") && !strcmp(type, "tmpfs"))
		type = "devtmpfs", src = "devtmpfs", data[0] = '\0';
	if (vps_snprintf(path, sizeof(path), NEWROOT "%s", f[0]) < 0) {
		glog("mount on %.64s...: path too long", f[0]);
		return;
	}
	/* the mount point is there most of the time: mkdir only when it is not
	 * (over 9p every mkdir of an existing directory is a round trip to QEMU) */
	src = *src ? src : type;
	const char *d = data[0] ? data : NULL;
	int r = mount(src, path, type, flags & ~MS_RDONLY, d);
	if (r < 0 && errno == ENOENT) {
		mkdir_p(path);
		r = mount(src, path, type, flags & ~MS_RDONLY, d);
	}
	if (r < 0) {
		glog("mount %s on %s: %s", type, f[0], strerror(errno));
		return;
	}
	if (flags & MS_RDONLY)
		mount(NULL, path, NULL, MS_REMOUNT | flags, data[0] ? data : NULL);
}

void proc_setup_rootfs(const struct gconf *c)
{
	char path[4200];
	for (size_t i = 0; i < c->n_mounts; i++)
		one_mount(c->mounts[i]);
	vps_snprintf(path, sizeof(path), NEWROOT "/dev/ptmx"); /* fits: a constant path */
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
		unlink(path);
		if (symlink("pts/ptmx", path) < 0)
			glog("symlink /dev/ptmx: %s", strerror(errno));
	}
	for (size_t i = 0; i < c->n_masked; i++) {
		if (vps_snprintf(path, sizeof(path), NEWROOT "%s", c->masked[i]) < 0 ||
		    lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0");
		else
			mount("/dev/null", path, NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < c->n_readonly; i++) {
		if (vps_snprintf(path, sizeof(path), NEWROOT "%s", c->readonly[i]) >= 0 &&
		    mount(path, path, NULL, MS_BIND | MS_REC, NULL) == 0)
			mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	}
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		glog("sethostname: %s", strerror(errno));
	if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
		glog("setdomainname: %s", strerror(errno));
	if (c->ro_root && mount(NULL, NEWROOT, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		glog("remount / read-only: %s", strerror(errno));
}

static const char *env_get(char *const *env, const char *key)
{
	size_t n = strlen(key);
	for (; env && *env; env++)
		if (!strncmp(*env, key, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void exec_path(const struct gconf *c)
{
	const char *file = c->args[0];
	if (strchr(file, '/')) {
		execve(file, c->args, c->env);
		return;
	}
	const char *path = env_get(c->env, "PATH");
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	int saved = ENOENT;
	char buf[4096];
	while (*path) {
		const char *e = strchr(path, ':');
		size_t n = e ? (size_t)(e - path) : strlen(path);
		if (vps_snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", file) < 0)
			errno = ENAMETOOLONG;
		else
			execve(buf, c->args, c->env);
		if (errno != ENOENT && errno != ENOTDIR)
			saved = errno;
		path += n + (e ? 1 : 0);
	}
	errno = saved;
}

void proc_exec(const struct gconf *c, bool enter, pid_t main_pid)
{
	char what[600];
	(void)enter, (void)main_pid; /* one mount namespace: every process chroots to the rootfs */
	sigset_t none; /* the init blocks SIGIO and SIGTERM (ports.c): not the container's */
	sigemptyset(&none);
	/* a SIGTERM for this process that came before its exec (vps kill right
	 * after start) acts now as it would after it, not on the init's handler */
	signal(SIGTERM, SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (chroot(NEWROOT) < 0)
		child_fail("chroot to the rootfs");
	const char *cwd = c->cwd && *c->cwd ? c->cwd : "/";
	if (chdir(cwd) < 0) {
		snprintf(what, sizeof(what), "chdir to cwd \"%s\"", cwd); /* snprintf-ok: message */
		child_fail(what);
	}
	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct rlimit rl = {.rlim_cur = c->rlimits[i].soft, .rlim_max = c->rlimits[i].hard};
		if (setrlimit(c->rlimits[i].res, &rl) < 0)
			child_fail("setrlimit");
	}
	if (c->umask >= 0)
		umask((mode_t)c->umask);
	if (setgroups(c->n_gids, c->gids) < 0)
		child_fail("setgroups");
	if (setgid(c->gid) < 0)
		child_fail("setgid");
	if (setuid(c->uid) < 0)
		child_fail("setuid");
	if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail("no_new_privs");
	exec_path(c);
	snprintf(what, sizeof(what), "exec \"%s\"", c->args[0]); /* snprintf-ok: message */
	child_fail(what);
}
