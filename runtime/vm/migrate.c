/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QEMU's migration for vps migrate of a --vm VPS (the phases are
 * runtime/migrate_vm.c's). The destination's QEMU starts with the same
 * machine shape, `-incoming defer -S`; the stream comes on a file
 * descriptor, not a socket of its own: the far vps (migrate-recv vm-listen,
 * run by the source over ssh or on this machine) hands QEMU its stdin
 * (getfd, migrate-incoming fd:), which is the ssh channel, or a pipe on this
 * machine, whose other end the source's QEMU writes (getfd, migrate fd:).
 * The source's guest is stopped (QMP stop: its disk flushed), vps copies the
 * disk image's last changes, then the source's QEMU sends the RAM and device
 * state. The RAM goes with the guest stopped, not while it runs: under TCG
 * here, a live pre-copy left the destination's guest spinning in a corrupt
 * hrtimer tree (a stack page written during the copy arrived stale), so
 * every page is sent once, as it is. The destination, paused (-S) until vps
 * migrate says so, runs the guest with `cont`; the guest never runs on both
 * sides. A migration that failed or whose destination did not take over is
 * undone with `cont` on the source (which takes its disk back). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/vm/vm.h"
#include "util/cleanup.h"
#include "util/clock.h"
#include "util/fmt.h"

#define QMP_MS	20000
#define MIG_MS	(600 * 1000L) /* the longest a RAM copy or a state load may take */
#define POLL_NS (20 * 1000000L)
#define PARAMS                                                                                     \
	"{\"execute\":\"migrate-set-parameters\",\"arguments\":"                                   \
	"{\"max-bandwidth\":17179869184}}"
/* a VM restored from a snapshot has x-ignore-shared on (snapshot.c): the
 * destination has no copy of that RAM, so every page goes */
#define ALL_RAM                                                                                    \
	"{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":"               \
	"[{\"capability\":\"x-ignore-shared\",\"state\":false}]}}"
#define QUERY	 "{\"execute\":\"query-migrate\"}"
#define INCOMING "{\"execute\":\"migrate-incoming\",\"arguments\":{\"uri\":\"fd:vpsmig\"}}"
#define GETFD	 "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"vpsmig\"}}"

static void nap(void)
{
	struct timespec ts = {0, POLL_NS};
	nanosleep(&ts, NULL);
}

/* query-migrate's status into st ("" when there is none yet); the reply
 * stays in q->line. */
static int mig_status(struct vps_vm_qmp *q, char *st, size_t cap, vps_err *err)
{
	int r = vps_vm_qmp(q, QUERY, -1, QMP_MS, err);
	st[0] = '\0';
	if (r < 0)
		return r;
	json_object *j = json_tokener_parse(q->line), *ret, *s;
	if (j && json_object_object_get_ex(j, "return", &ret) &&
	    json_object_object_get_ex(ret, "status", &s))
		vps_snprintf(st, cap, "%s",
			     json_object_get_string(s)); /* fits: a state name in 32 */
	json_object_put(j);
	return 0;
}

/* Poll until the status is want; "failed"/"cancelled" (or the bound) fail
 * with QEMU's error-desc. */
static int wait_status(struct vps_vm_qmp *q, const char *want, vps_err *err)
{
	char st[32];
	long deadline = vps_now_ms() + MIG_MS;
	for (;;) {
		int r = mig_status(q, st, sizeof(st), err);
		if (r < 0 || strcmp(st, want) == 0)
			return r;
		if (!strcmp(st, "failed") || !strcmp(st, "cancelled") || vps_now_ms() > deadline) {
			const char *d = strstr(q->line, "\"error-desc\"");
			return vps_errorx(err, EIO, "vm: migration %s: %.300s",
					  st[0] ? st : "not started", d ? d : q->line);
		}
		nap();
	}
}

int vps_vm_incoming(const struct vps_vm_run_opts *o, const struct vps_vm_launch *l,
		    struct vps_vm_handle *h, vps_err *err)
{
	struct vps_vm_launch in = *l;
	in.incoming = true, in.qmp = true;
	int r = vps_vm_spawn(&in, &h->pid, err);
	if (r < 0)
		return r;
	struct vps_vm_qmp q;
	r = vps_vm_qmp_open(&q, o->dir, QMP_MS, err); /* it is up */
	if (r == 0)
		close(q.fd);
	if (r < 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		h->pid = 0;
		return r;
	}
	vps_snprintf(h->start, sizeof(h->start), "migrated"); /* fits: "migrated" in 16 */
	return 0;
}

int vps_vm_incoming_feed(const char *dir, int fd, vps_err *err)
{
	struct vps_vm_qmp q;
	int r = vps_vm_qmp_open(&q, dir, QMP_MS, err);
	if (r < 0)
		return r;
	if ((r = vps_vm_qmp(&q, GETFD, fd, QMP_MS, err)) == 0)
		r = vps_vm_qmp(&q, INCOMING, -1, QMP_MS, err);
	close(q.fd);
	return r;
}

/* the state loaded (the bound: MIG_MS); go: the guest runs */
static int incoming_run(struct vps_vm_qmp *q, bool go, vps_err *err)
{
	int r = wait_status(q, "completed", err);
	/* "cont" is refused until QEMU left inmigrate */
	for (int i = 0; go && r == 0 && i < 250; i++) {
		vps_err e = {0};
		if ((r = vps_vm_qmp(q, "{\"execute\":\"cont\"}", -1, QMP_MS, &e)) == 0)
			break;
		if (i == 249)
			*err = e;
		else
			r = 0, nap();
	}
	return r;
}

int vps_vm_incoming_run(const char *dir, bool go, vps_err *err)
{
	struct vps_vm_qmp q;
	int r = vps_vm_qmp_open(&q, dir, QMP_MS, err);
	if (r == 0) {
		r = incoming_run(&q, go, err);
		close(q.fd);
	}
	if (r < 0) { /* an incoming QEMU that failed to load ends: what it said */
		_cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0)
			vps_vm_qemu_said(dfd, err);
	}
	return r;
}

/* A number in query-migrate's reply: return.KEY or return.ram.KEY. */
static int64_t mig_num(const char *line, const char *key, bool ram)
{
	json_object *j = json_tokener_parse(line), *o, *v;
	int64_t n = 0;
	if (j && json_object_object_get_ex(j, "return", &o) &&
	    (!ram || json_object_object_get_ex(o, "ram", &o)) &&
	    json_object_object_get_ex(o, key, &v))
		n = json_object_get_int64(v);
	json_object_put(j);
	return n;
}

int vps_vm_mig_stop(struct vps_vm_mig *mg, const char *dir, vps_err *err)
{
	*mg = (struct vps_vm_mig){.q = {.fd = -1}};
	int r = vps_vm_qmp_open(&mg->q, dir, QMP_MS, err);
	if (r < 0)
		return vps_error_wrap(err, "its QEMU monitor (a VM started by an older vps has "
					   "none: restart it)");
	r = vps_vm_qmp(&mg->q, "{\"execute\":\"stop\"}", -1, QMP_MS, err);
	mg->stopped_ms = vps_now_ms();
	return r;
}

int vps_vm_mig_send(struct vps_vm_mig *mg, int fd, vps_err *err)
{
	static const char *const cmds[] = {
	    PARAMS, ALL_RAM, GETFD,
	    "{\"execute\":\"migrate\",\"arguments\":{\"uri\":\"fd:vpsmig\"}}"};
	int r = 0;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(cmds); i++)
		r = vps_vm_qmp(&mg->q, cmds[i], i == 2 ? fd : -1, QMP_MS, err);
	if (r == 0)
		r = wait_status(&mg->q, "completed", err);
	if (r == 0)
		mg->ram_bytes = (uint64_t)mig_num(mg->q.line, "transferred", true);
	return r;
}

void vps_vm_mig_close(struct vps_vm_mig *mg)
{
	if (mg->q.fd >= 0)
		close(mg->q.fd);
	mg->q.fd = -1;
}

int vps_vm_mig_back(const char *dir, vps_err *err)
{
	struct vps_vm_qmp q;
	char st[32];
	int r = vps_vm_qmp_open(&q, dir, 5000, err);
	if (r < 0)
		return r;
	vps_err e = {0};
	vps_vm_qmp(&q, "{\"execute\":\"migrate_cancel\"}", -1, QMP_MS, &e);
	/* until it is no longer under way: then QEMU runs a cancelled guest again */
	for (int i = 0; i < 500; i++) {
		if ((r = mig_status(&q, st, sizeof(st), err)) < 0 ||
		    !(!strcmp(st, "active") || !strcmp(st, "pre-switchover") ||
		      !strcmp(st, "cancelling") || !strcmp(st, "device") || !strcmp(st, "setup")))
			break;
		nap();
	}
	if (r == 0 &&
	    (r = vps_vm_qmp(&q, "{\"execute\":\"query-status\"}", -1, QMP_MS, err)) == 0 &&
	    !strstr(q.line, "\"running\": true") && !strstr(q.line, "\"running\":true"))
		r = vps_vm_qmp(&q, "{\"execute\":\"cont\"}", -1, QMP_MS, err);
	close(q.fd);
	return r < 0 ? vps_error_wrap(err, "vm: run the source again") : 0;
}

void vps_vm_mig_quit(const char *dir)
{
	struct vps_vm_qmp q;
	vps_err e = {0};
	if (vps_vm_qmp_open(&q, dir, 5000, &e) < 0)
		return;
	vps_vm_qmp(&q, "{\"execute\":\"quit\"}", -1, 5000, &e);
	close(q.fd);
}
