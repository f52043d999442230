/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The busybox template: a small but complete system from the host's
 * busybox-static: accounts (passwd, shadow, group, gshadow), busybox init as
 * pid 1 with an inittab that runs syslogd and an httpd, a shell, login/su. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "rootfs/users_internal.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"

#define BUSYBOX "/bin/busybox"

static const char *const dirs[] = {"bin",     "sbin",	    "usr",     "usr/bin",  "usr/sbin",
				   "etc",     "etc/init.d", "proc",    "sys",	   "dev",
				   "tmp",     "root",	    "home",    "run",	   "var",
				   "var/log", "var/run",    "var/www", "var/spool"};

static const struct {
	const char *path, *text;
	mode_t mode;
} files[] = {
    {"/etc/passwd",
     "root:x:0:0:root:/root:/bin/sh\n"
     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
     "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
     0644},
    /* root's password stays locked until `vps passwd` sets one */
    {"/etc/shadow",
     "root:!::0:99999:7:::\ndaemon:*::0:99999:7:::\nwww-data:*::0:99999:7:::\n"
     "nobody:*::0:99999:7:::\n",
     0640},
    {"/etc/group",
     "root:x:0:\ndaemon:x:1:\nshadow:x:42:\nwww-data:x:33:\nusers:x:100:\n"
     "nogroup:x:65534:\n",
     0644},
    {"/etc/gshadow", "root:*::\ndaemon:*::\nshadow:*::\nwww-data:*::\nusers:*::\nnogroup:*::\n",
     0640},
    {"/etc/inittab",
     "# busybox init: pid 1 of this VPS; it starts these and reaps every orphan.\n"
     "::sysinit:/etc/init.d/rcS\n"
     "::respawn:/sbin/syslogd -n -O /var/log/messages\n"
     "::respawn:/usr/sbin/httpd -f -p 80 -h /var/www\n"
     "# a login prompt on the console (vps console NAME)\n"
     "::respawn:/sbin/getty -L 0 console vt100\n"
     "::shutdown:/bin/sync\n",
     0644},
    {"/etc/init.d/rcS",
     "#!/bin/sh\n"
     "# runs once at boot (the runtime has set the hostname)\n"
     "mkdir -p /var/run /var/log /tmp\n"
     "echo \"$(date): $(hostname) up\" >/var/log/boot.log\n",
     0755},
    /* Debian 12's busybox 1.35 has no yescrypt: vps passwd reads this. */
    {"/etc/login.defs", "ENCRYPT_METHOD SHA512\n", 0644},
    {"/etc/shells", "/bin/sh\n/bin/ash\n", 0644},
    {"/etc/profile",
     "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
     "PS1='\\u@\\h:\\w\\$ '\n",
     0644},
    {"/etc/motd", "Welcome to a vps busybox VPS.\n", 0644},
    {"/var/www/index.html", "<h1>vps busybox VPS</h1>\n", 0644},
};

/* A dynamically linked busybox (Debian's "busybox" package) would not run in
 * a rootfs without its libraries: require an ELF without PT_INTERP. */
static int check_static(int fd, vps_err *err)
{
	Elf64_Ehdr eh;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 64)
		return vps_errorx(err, ENOEXEC, "%s: not a 64-bit ELF executable", BUSYBOX);
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		off_t off = (off_t)eh.e_phoff + (off_t)i * (off_t)sizeof(ph);
		if (pread(fd, &ph, sizeof(ph), off) != (ssize_t)sizeof(ph))
			return vps_errorx(err, ENOEXEC, "%s: truncated ELF", BUSYBOX);
		if (ph.p_type == PT_INTERP)
			return vps_errorx(err, ENOEXEC,
					  "%s is dynamically linked; install busybox-static",
					  BUSYBOX);
	}
	return 0;
}

static int copy_busybox(int rootfd, vps_err *err)
{
	_cleanup_close_ int in = open(BUSYBOX, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (in < 0 || fstat(in, &st) < 0)
		return vps_error(err, errno, "%s (install busybox-static)", BUSYBOX);
	int r = check_static(in, err);
	if (r < 0)
		return r;
	_cleanup_close_ int out =
	    openat(rootfd, "bin/busybox", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (out < 0)
		return vps_error(err, errno, "create rootfs/bin/busybox");
	for (off_t left = st.st_size; left > 0;) {
		ssize_t n = sendfile(out, in, NULL, (size_t)left);
		if (n <= 0)
			return vps_error(err, n < 0 ? errno : EIO, "copy %s", BUSYBOX);
		left -= n;
	}
	return 0;
}

/* A symlink to /bin/busybox for every applet at its usual place. */
static int link_applets(int rootfd, vps_err *err)
{
	FILE *p = popen(BUSYBOX " --list-full", "re");
	if (!p)
		return vps_error(err, errno, "%s --list-full", BUSYBOX);
	char line[256];
	int n = 0, r = 0;
	while (fgets(line, sizeof(line), p) && r == 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!strchr(line, '/') || strstr(line, "..") || line[0] == '/' ||
		    strcmp(line, "bin/busybox") == 0)
			continue;
		if (symlinkat("/bin/busybox", rootfd, line) < 0 && errno != EEXIST)
			r = vps_error(err, errno, "link rootfs/%s", line);
		n++;
	}
	int st = pclose(p);
	if (r == 0 && (st != 0 || n < 50))
		r = vps_errorx(err, EIO, "%s --list-full: failed or too few applets (%d)", BUSYBOX,
			       n);
	return r;
}

int vps_tmpl_busybox(int rootfd, const struct vps_bundle_opts *o, vps_err *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdirat(rootfd, dirs[i], 0755) < 0)
			return vps_error(err, errno, "create rootfs/%s", dirs[i]);
	if (fchmodat(rootfd, "tmp", 01777, 0) < 0 || fchmodat(rootfd, "root", 0700, 0) < 0)
		return vps_error(err, errno, "chmod rootfs/tmp");
	int r = copy_busybox(rootfd, err);
	if (r >= 0)
		r = link_applets(rootfd, err);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(files); i++)
		r = vps_tmpl_write(rootfd, files[i].path, files[i].text, files[i].mode, err);
	if (r < 0)
		return r;
	/* shadow files: root:shadow (gid 42 above) */
	if (fchownat(rootfd, "etc/shadow", 0, 42, 0) < 0 ||
	    fchownat(rootfd, "etc/gshadow", 0, 42, 0) < 0)
		return vps_error(err, errno, "chown rootfs/etc/shadow");
	char index[256];
	if (vps_snprintf(index, sizeof(index), "<h1>%s: a vps busybox VPS</h1>\n", o->name) < 0)
		return vps_errorx(err, ENAMETOOLONG, "name %s: too long", o->name);
	return vps_tmpl_write(rootfd, "/var/www/index.html", index, 0644, err);
}
