/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs_run: a test driver for rootfs/ until `vps run` exists (and after, for
 * cases the CLI cannot express). It builds a spec from its arguments, makes a
 * mount + pid (+ user) namespace, runs vps_rootfs_setup in the new pid 1 and
 * execs CMD there.
 *   rootfs_run [-d] [-r] [-n] [-U] [-c] [-m DEST:TYPE:SOURCE:OPT,OPT]... [-M PATH]...
 *              [-R PATH]... [-D c:MAJ:MIN:PATH[:MODE:UID:GID]]... ROOTFS CMD...
 *   -d  runc's default mounts, masked and readonly paths   -r readonly root
 *   -n  --no-pivot   -U user namespace (0 -> 100000, 65536 ids)   -c new cgroupns
 *   -i  new IPC namespace   -N new network namespace   -t /dev/console (a pty)
 *   -P PROP   rootfsPropagation (shared, rslave, private, ...)
 *   -u C:H:S  uid and gid mapping C->H (S ids) on the previous -m mount (idmap)
 * Exit: CMD's status; 125 with the error on stderr when set-up fails. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs/rootfs.h"

#define MAXN 64
static struct oci_mount mounts[MAXN];
static char *masked[MAXN], *ro[MAXN];
static struct oci_device devs[MAXN];

static char **split(char *s, size_t *n)
{
	char **v = calloc(MAXN, sizeof(char *));
	*n = 0;
	for (char *t = strtok(s, ","); t && *n < MAXN; t = strtok(NULL, ","))
		v[(*n)++] = t;
	return v;
}

static void add_mount(struct oci_spec *s, const char *spec)
{
	char *d = strdup(spec);
	struct oci_mount *m = &mounts[s->n_mounts++];
	m->destination = strsep(&d, ":");
	m->type = strsep(&d, ":");
	m->source = strsep(&d, ":");
	if (m->type && !*m->type)
		m->type = NULL;
	if (m->source && !*m->source)
		m->source = NULL;
	if (d && *d)
		m->options = split(d, &m->n_options);
}

static const char *defaults[] = {
    "/proc:proc:proc:",
    "/dev:tmpfs:tmpfs:nosuid,strictatime,mode=755,size=65536k",
    "/dev/pts:devpts:devpts:nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5",
    "/dev/shm:tmpfs:shm:nosuid,noexec,nodev,mode=1777,size=65536k",
    "/dev/mqueue:mqueue:mqueue:nosuid,noexec,nodev",
    "/sys:sysfs:sysfs:nosuid,noexec,nodev,ro",
    "/sys/fs/cgroup:cgroup:cgroup:nosuid,noexec,nodev,relatime,ro",
};
static char *def_masked[] = {"/proc/acpi",	  "/proc/asound",	 "/proc/kcore",
			     "/proc/keys",	  "/proc/latency_stats", "/proc/timer_list",
			     "/proc/timer_stats", "/proc/sched_debug",	 "/sys/firmware",
			     "/proc/scsi"};
static char *def_ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

static bool console;

static int child(struct oci_spec *s, struct vps_rootfs_opts *o, char **cmd)
{
	vps_err err = {0};
	int m, sl;
	if (vps_rootfs_setup(s, o, &err) < 0 ||
	    (console && vps_rootfs_console(&m, &sl, &err) < 0)) {
		fprintf(stderr, "rootfs_run: %s\n", err.msg);
		return 125;
	}
	execvp(cmd[0], cmd);
	fprintf(stderr, "rootfs_run: exec %s: %s\n", cmd[0], strerror(errno));
	return 127;
}

static int wait_status(pid_t p)
{
	int st;
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return 126;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void write_map(pid_t p, const char *f)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", p, f);
	int fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "0 100000 65536\n", 15) != 15) {
		perror(path);
		exit(126);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	static struct oci_spec s;
	struct vps_rootfs_opts o = {.root_tree = -1, .root_target = -1, .disk_fd = -1};
	bool userns = false;
	int extra = 0;
	int c;
	s.has_linux = true;
	while ((c = getopt(argc, argv, "+drnUciNtm:M:R:D:u:P:")) != -1) {
		switch (c) {
		case 'd':
			for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++)
				add_mount(&s, defaults[i]);
			for (size_t i = 0; i < sizeof(def_masked) / sizeof(*def_masked); i++)
				masked[s.lx.n_masked_paths++] = def_masked[i];
			for (size_t i = 0; i < sizeof(def_ro) / sizeof(*def_ro); i++)
				ro[s.lx.n_readonly_paths++] = def_ro[i];
			break;
		case 'r':
			s.root_readonly = true;
			break;
		case 'n':
			o.no_pivot = true;
			break;
		case 'U':
			userns = o.in_userns = true;
			break;
		case 'c':
			o.new_cgroupns = true;
			break;
		case 't':
			console = true;
			break;
		case 'P':
			s.lx.rootfs_propagation = (strchr(optarg, 'r') == optarg ? MS_REC : 0) |
						  (strstr(optarg, "shared")    ? MS_SHARED
						   : strstr(optarg, "private") ? MS_PRIVATE
						   : strstr(optarg, "slave")   ? MS_SLAVE
									       : MS_UNBINDABLE);
			break;
		case 'u': {
			struct oci_idmap *im = calloc(1, sizeof(*im));
			if (!s.n_mounts || sscanf(optarg, "%u:%u:%u", &im->container_id,
						  &im->host_id, &im->size) != 3)
				return 2;
			struct oci_mount *m = &mounts[s.n_mounts - 1];
			m->uid_mappings = m->gid_mappings = im;
			m->n_uid_mappings = m->n_gid_mappings = 1;
			break;
		}
		case 'i':
			extra |= CLONE_NEWIPC;
			break;
		case 'N':
			extra |= CLONE_NEWNET;
			break;
		case 'm':
			add_mount(&s, optarg);
			break;
		case 'M':
			masked[s.lx.n_masked_paths++] = optarg;
			break;
		case 'R':
			ro[s.lx.n_readonly_paths++] = optarg;
			break;
		case 'D': {
			struct oci_device *d = &devs[s.lx.n_devices++];
			char t;
			long ma, mi;
			unsigned mode, uid, gid;
			d->path = calloc(1, 4096);
			int n = sscanf(optarg, "%c:%ld:%ld:%4095[^:]:%o:%u:%u", &t, &ma, &mi,
				       d->path, &mode, &uid, &gid);
			if (n != 4 && n != 7)
				return 2;
			d->type = t, d->major = ma, d->minor = mi;
			if (n == 7) {
				d->file_mode = (opt_u64){true, mode};
				d->uid = (opt_u64){true, uid};
				d->gid = (opt_u64){true, gid};
			}
			break;
		}
		default:
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: rootfs_run [opts] ROOTFS CMD...\n");
		return 2;
	}
	s.mounts = mounts;
	s.lx.masked_paths = masked;
	s.lx.readonly_paths = ro;
	s.lx.devices = devs;
	o.rootfs = argv[optind];
	int go[2], ready[2];
	if (pipe(go) < 0 || pipe(ready) < 0)
		return 126;
	pid_t p = fork();
	if (p == 0) {
		int flags = CLONE_NEWNS | CLONE_NEWPID | (userns ? CLONE_NEWUSER : 0) |
			    (o.new_cgroupns ? CLONE_NEWCGROUP : 0) | extra;
		if (unshare(flags) < 0) {
			perror("unshare");
			_exit(126);
		}
		char b;
		if (write(ready[1], "x", 1) != 1 || read(go[0], &b, 1) != 1)
			_exit(126);
		if (userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
			perror("become root in the user namespace");
			_exit(126);
		}
		pid_t init = fork();
		if (init == 0)
			_exit(child(&s, &o, argv + optind + 1));
		_exit(wait_status(init));
	}
	char b;
	if (read(ready[0], &b, 1) != 1)
		return 126;
	if (userns) {
		write_map(p, "uid_map");
		write_map(p, "gid_map");
	}
	if (write(go[1], "x", 1) != 1)
		return 126;
	return wait_status(p);
}
