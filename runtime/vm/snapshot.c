/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM templating. The first start of a machine shape boots a generic VM (an
 * empty 9p export, no bundle data) to the guest's wait point (guest/await.c),
 * stops it and saves its device state over QMP (migrate to an fd) with its RAM
 * in a file-backed memory backend mapped shared, so the RAM stays in the file
 * (capability x-ignore-shared). Both go to CACHE/KEY/ via a temp dir and a
 * rename, under an flock, so two starts never build one twice. Later starts map
 * that RAM file private (copy-on-write: VMs share its pages), load the state
 * (-incoming defer + migrate-incoming fd:), run as soon as it is loaded and get
 * their configuration like a cold boot. KEY hashes everything the saved state
 * depends on: the kernel file, the guest init, the QEMU binary, RAM, vCPUs,
 * accelerator, the device set. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rootfs/template.h"
#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/fileio.h"
#include "util/fmt.h"
#include "util/log.h"

#define QMP_MS	20000
#define STR_(x) #x
#define STR(x)	STR_(x)
#define IGNORE_SHARED                                                                              \
	"{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":"               \
	"[{\"capability\":\"x-ignore-shared\",\"state\":true}]}}"
#define INCOMING                                                                                   \
	"{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"fd:" STR(                      \
	    VPS_VM_STATE_QFD) "\"}}"

const char *vps_vm_snapshot_dir(void)
{
	static char dir[PATH_MAX];
	const char *e = getenv("VPS_VM_SNAPSHOTS");
	if (e && *e)
		return e;
	if (vps_snprintf(dir, sizeof(dir), "%s/vm-snap", vps_vm_cache_dir()) < 0)
		return ""; /* VPS_VM_CACHE too long: vps_vm_snapshot_ensure refuses "" */
	return dir;
}

bool vps_vm_snapshot_wanted(const struct oci_spec *spec, bool cold)
{
	const char *v = oci_annotation(spec, VPS_VM_SNAPSHOT_ANNOTATION);
	if (!v) /* the default: on; $VPS_VM_SNAPSHOT=off changes it */
		v = getenv("VPS_VM_SNAPSHOT");
	return !cold && !(v && strcmp(v, "off") == 0);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t fnv_file(uint64_t h, const char *path)
{
	struct stat st;
	char bin[PATH_MAX];
	if (!strchr(path, '/') && vps_vm_find_binary(path, bin, sizeof(bin)) == 0)
		path = bin;
	if (stat(path, &st) < 0)
		memset(&st, 0, sizeof(st));
	h = fnv(h, path, strlen(path));
	uint64_t id[4] = {st.st_dev, st.st_ino, (uint64_t)st.st_size, (uint64_t)st.st_mtime};
	return fnv(h, id, sizeof(id));
}

void vps_vm_snapshot_key(const struct vps_vm_launch *l, char key[17])
{
	const struct oci_process *p = l->spec->process;
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv_file(h, l->kernel->path);
	h = fnv_file(h, vps_vm_qemu_binary());
	h = fnv(h, vps_vm_guest_init, (size_t)(vps_vm_guest_init_end - vps_vm_guest_init));
	char shape[160];
	/* fits: numbers and short words in 160 */
	vps_snprintf(shape, sizeof(shape), "v2 ram=%llu smp=1 accel=%d tty=%d ro=%d root=%s",
		     (unsigned long long)l->ram_mib, (int)l->accel, p && p->terminal,
		     l->spec->root_readonly, l->disk_fd >= 0 ? "blk" : "9p");
	h = fnv(h, shape, strlen(shape));
	vps_snprintf(key, 17, "%016llx", (unsigned long long)h); /* fits: 16 hex digits in 17 */
}

/* flock with a bounded wait (another start may be building). */
static int lock_cache(const char *base, vps_err *err)
{
	char path[PATH_MAX];
	if (vps_snprintf(path, sizeof(path), "%s/.lock", base) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: snapshot cache %s", base);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vps_error(err, errno, "vm: snapshot lock %s", path);
	for (int i = 0; i < 3000; i++) { /* 150 s */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		struct timespec ts = {0, 50 * 1000000L};
		nanosleep(&ts, NULL);
	}
	close(fd);
	return vps_errorx(err, ETIMEDOUT, "vm: snapshot lock %s: still held after 150 s", path);
}

/* Poll query-migrate until "completed" (bounded: QMP_MS). */
static int migrated(struct vps_vm_qmp *q, vps_err *err)
{
	for (int i = 0;; i++) {
		int r = vps_vm_qmp(q, "{\"execute\":\"query-migrate\"}", -1, QMP_MS, err);
		if (r < 0 || strstr(q->line, "\"completed\""))
			return r;
		if (strstr(q->line, "\"failed\"") || i >= QMP_MS / 20)
			return vps_errorx(err, EIO, "vm: snapshot migration: %s", q->line);
		struct timespec ts = {0, 20 * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* Stop the build VM at its wait point and save it into its dir's "state". */
static int save(const char *tmp, vps_err *err)
{
	struct vps_vm_qmp q;
	int r = vps_vm_qmp_open(&q, tmp, QMP_MS, err);
	if (r < 0)
		return r;
	char path[PATH_MAX];
	/* fits: the QMP socket in tmp opened above, so tmp is short */
	vps_snprintf(path, sizeof(path), "%s/state", tmp);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		r = vps_error(err, errno, "vm: snapshot state %s", path);
	static const char *const cmds[] = {
	    "{\"execute\":\"stop\"}", IGNORE_SHARED,
	    "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"snap\"}}",
	    "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"fd:snap\"}}"};
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(cmds); i++)
		r = vps_vm_qmp(&q, cmds[i], i == 2 ? fd : -1, QMP_MS, err);
	if (r == 0)
		r = migrated(&q, err);
	vps_err e = {0};
	vps_vm_qmp(&q, "{\"execute\":\"quit\"}", -1, 2000, &e);
	close(q.fd);
	return r;
}

static void reap(pid_t pid)
{
	for (int i = 0; i < 200 && waitpid(pid, NULL, WNOHANG) == 0; i++) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A disk VM's snapshot has its virtio-blk device on an empty placeholder
 * image: nothing of any VPS's disk is in it, and the guest, which saw a disk of
 * size 0 (no partition scan, nothing cached), probes the VPS's own disk again
 * after the restore (runtime/vm/guest/init.c). */
static int placeholder_disk(int tmpfd, const char *tmp, vps_err *err)
{
	int fd = openat(tmpfd, "disk", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	return fd < 0 ? vps_error(err, errno, "vm: snapshot %s/disk", tmp) : fd;
}

/* Boot the generic VM in tmp (absolute) and save it there. */
static int build(const struct vps_vm_launch *tmpl, const char *tmp, int tmpfd, vps_err *err)
{
	bool disk = tmpl->disk_fd >= 0;
	int r = vps_vm_initramfs(tmpfd, tmpl->kernel, disk, err);
	if (r < 0)
		return r;
	if (mkdirat(tmpfd, "share", 0755) < 0)
		return vps_error(err, errno, "vm: snapshot %s/share", tmp);
	_cleanup_close_ int share = openat(tmpfd, "share", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dfd = disk ? placeholder_disk(tmpfd, tmp, err) : -1;
	if (dfd < 0 && disk)
		return dfd;
	static char ram[PATH_MAX]; /* off the stack (vps is single-threaded) */
	if (vps_snprintf(ram, sizeof(ram), "%s/ram", tmp) < 0)
		return vps_errorx(err, ENAMETOOLONG, "vm: snapshot %s/ram: path too long", tmp);
	struct vps_vm_launch l = *tmpl;
	l.dir = tmp, l.rootfs_fd = share, l.disk_fd = dfd, l.cg = NULL, l.stdin_sock = -1;
	l.detach = true, l.initrd = NULL, l.mem_path = ram, l.mem_share = true, l.qmp = true;
	l.state_fd = -1;
	/* a terminal's port is a socket chardev (QEMU's fd 6): a pair of our own */
	_cleanup_close_ int tty_host = -1, tty_qemu = -1;
	const struct oci_process *p = tmpl->spec->process;
	int sp[2];
	if (p && p->terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == 0)
		tty_host = sp[0], tty_qemu = l.stdin_sock = sp[1];
	pid_t pid;
	if (share < 0 || (r = vps_vm_spawn(&l, &pid, err)) < 0)
		return share < 0 ? vps_error(err, errno, "vm: snapshot share dir") : r;
	r = vps_vm_wait_ready(tmp, pid, NULL, 0, false, 120, err);
	if (r == 0)
		r = save(tmp, err);
	reap(pid);
	static const char *const junk[] = {"vm-ctl.sock", "vm-exec.sock", "vm-qmp.sock", "vm-exit"};
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		unlinkat(tmpfd, junk[i], 0);
	unlinkat(tmpfd, "share", AT_REMOVEDIR);
	unlinkat(tmpfd, "disk", 0);
	return r;
}

static bool complete(const char *dir)
{
	static const char *const need[] = {"state", "ram", "vm-initramfs"};
	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		char p[PATH_MAX];
		if (vps_snprintf(p, sizeof(p), "%s/%s", dir, need[i]) < 0 || access(p, R_OK) < 0)
			return false;
	}
	return true;
}

int vps_vm_snapshot_ensure(const struct vps_vm_launch *l, char dir[PATH_MAX], bool *built,
			   vps_err *err)
{
	const char *base = vps_vm_snapshot_dir();
	static char tmp[PATH_MAX]; /* off the stack (vps is single-threaded) */
	char key[17];
	*built = false;
	vps_vm_snapshot_key(l, key);
	if (!*base)
		return vps_errorx(err, ENAMETOOLONG, "vm: VPS_VM_CACHE %.64s...: too long",
				  vps_vm_cache_dir());
	if (strchr(base, ',') || vps_snprintf(dir, PATH_MAX, "%s/%s", base, key) < 0 ||
	    vps_snprintf(tmp, sizeof(tmp), "%s/.build-%s", base, key) < 0)
		return vps_errorx(err, EINVAL, "vm: snapshot cache %s: unusable path", base);
	if (complete(dir))
		return 0;
	int r = vps_mkdir_p(base, 0700, err);
	_cleanup_close_ int lock = r < 0 ? r : lock_cache(base, err);
	if (lock < 0 || complete(dir))
		return lock < 0 ? lock : 0;
	_cleanup_close_ int basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	vps_rm_tree_at(basefd, strrchr(tmp, '/') + 1); /* a build that died */
	vps_rm_tree_at(basefd, key);		       /* an incomplete one */
	if (mkdir(tmp, 0700) < 0)
		return vps_error(err, errno, "vm: snapshot %s", tmp);
	_cleanup_close_ int tmpfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = tmpfd < 0 ? vps_error(err, errno, "vm: snapshot %s", tmp) : build(l, tmp, tmpfd, err);
	if (r == 0 && rename(tmp, dir) < 0)
		r = vps_error(err, errno, "vm: snapshot %s", dir);
	if (r < 0)
		vps_rm_tree_at(basefd, strrchr(tmp, '/') + 1);
	*built = r == 0;
	return r;
}

/* The restored QEMU (-incoming defer): the capability and the load in one
 * write (QMP answers in order), no wait for the load to complete: the state
 * was saved without the global run state (qemu.c), so QEMU runs the guest as
 * soon as it is loaded, and a state that does not load ends QEMU (the caller
 * sees it gone). */
int vps_vm_snapshot_resume(const char *dir, vps_err *err)
{
	struct vps_vm_qmp q;
	int r = vps_vm_qmp_open(&q, dir, QMP_MS, err);
	vps_vm_mark("QMP connected");
	if (r == 0)
		r = vps_vm_qmp_batch(&q, (const char *const[]){IGNORE_SHARED, INCOMING}, 2, QMP_MS,
				     err);
	vps_vm_mark("state loading");
	if (q.fd >= 0)
		close(q.fd);
	return r;
}

/* A snapshot that failed to restore: removed (under the lock) so the next
 * start builds a fresh one. */
void vps_vm_snapshot_drop(const char *dir)
{
	const char *base = vps_vm_snapshot_dir();
	vps_err e = {0};
	_cleanup_close_ int lock = lock_cache(base, &e);
	_cleanup_close_ int basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock >= 0 && basefd >= 0)
		vps_rm_tree_at(basefd, strrchr(dir, '/') + 1);
}
