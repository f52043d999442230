/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps stats [--json] [--interval DUR] ID...: live usage for people: CPU %
 * (over the interval), memory use/limit, pids, block I/O, PSI (some avg10),
 * the use of the VPS's own disk (vps bundle --disk). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cgctl.h"
#include "runtime/runtime.h"
#include "util/cleanup.h"
#include "util/fmt.h"

struct row {
	struct vps_monitor *m;
	struct vps_cgroup_stats a, b;
	double cpu_pct;
	struct vps_disk_use disk;
};

static void human(char *out, size_t sz, uint64_t v)
{
	static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double d = (double)v;
	size_t i = 0;
	while (d >= 1024 && i + 1 < sizeof(u) / sizeof(u[0])) {
		d /= 1024;
		i++;
	}
	vps_snprintf(out, sz, i ? "%.1f%s" : "%.0f%s", d, u[i]); /* fits: under 1024 and a unit */
}

static uint64_t io_sum(const struct vps_cgroup_stats *s, const char *op)
{
	uint64_t t = 0;
	for (size_t i = 0; i < s->blkio.n_bytes; i++)
		if (strcmp(s->blkio.bytes[i].op, op) == 0)
			t += s->blkio.bytes[i].value;
	return t;
}

static void print_table(struct row *rows, size_t n, char **ids)
{
	printf("%-20s %7s %21s %6s %6s %21s %17s %21s\n", "ID", "CPU%", "MEM USAGE / LIMIT", "MEM%",
	       "PIDS", "BLOCK I/O (R / W)", "PSI cpu/mem/io", "DISK USED / SIZE");
	for (size_t i = 0; i < n; i++) {
		const struct vps_cgroup_stats *s = &rows[i].b;
		char use[16], lim[16], rd[16], wr[16], mem[40], io[40],
		    pct[16] = "-", psi[40] = "-", disk[40] = "-";
		human(use, sizeof(use), s->memory.usage.usage);
		if (s->memory.usage.limit >= (1ULL << 62))
			vps_snprintf(lim, sizeof(lim), "unlimited"); /* fits: a word */
		else {
			human(lim, sizeof(lim), s->memory.usage.limit);
			vps_snprintf(pct, sizeof(pct), "%.1f", /* fits: a percentage */
				     100.0 * (double)s->memory.usage.usage /
					 (double)s->memory.usage.limit);
		}
		vps_snprintf(mem, sizeof(mem), "%s / %s", use, lim); /* fits: two sizes of 16 */
		human(rd, sizeof(rd), io_sum(s, "Read"));
		human(wr, sizeof(wr), io_sum(s, "Write"));
		vps_snprintf(io, sizeof(io), "%s / %s", rd, wr); /* fits: two sizes of 16 */
		if (s->cpu.psi.set)
			/* fits: three averages up to 100.0 */
			vps_snprintf(psi, sizeof(psi), "%.1f/%.1f/%.1f", s->cpu.psi.some.avg10,
				     s->memory.psi.some.avg10, s->blkio.psi.some.avg10);
		if (rows[i].disk.has) {
			human(rd, sizeof(rd), rows[i].disk.used);
			human(wr, sizeof(wr), rows[i].disk.size);
			/* fits: two sizes of 16 */
			vps_snprintf(disk, sizeof(disk), "%s / %s", rd, wr);
		}
		printf("%-20.20s %6.1f%% %21s %6s %6llu %21s %17s %21s\n", ids[i], rows[i].cpu_pct,
		       mem, pct, (unsigned long long)s->pids.current, io, psi, disk);
	}
}

static json_object *psi_avg(const struct vps_psi *p)
{
	if (!p->set)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "some_avg10", json_object_new_double(p->some.avg10));
	json_object_object_add(o, "full_avg10", json_object_new_double(p->full.avg10));
	return o;
}

static void print_json(struct row *rows, size_t n, char **ids)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct vps_cgroup_stats *s = &rows[i].b;
		json_object *o = json_object_new_object(), *m = json_object_new_object(),
			    *p = json_object_new_object(), *io = json_object_new_object(),
			    *psi = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(ids[i]));
		json_object_object_add(o, "cpu_percent", json_object_new_double(rows[i].cpu_pct));
		json_object_object_add(m, "usage", json_object_new_uint64(s->memory.usage.usage));
		json_object_object_add(m, "limit", json_object_new_uint64(s->memory.usage.limit));
		json_object_object_add(m, "oom_kills", json_object_new_uint64(s->memory.oom_kills));
		json_object_object_add(o, "memory", m);
		json_object_object_add(p, "current", json_object_new_uint64(s->pids.current));
		json_object_object_add(p, "limit", json_object_new_uint64(s->pids.limit));
		json_object_object_add(o, "pids", p);
		json_object_object_add(io, "read_bytes", json_object_new_uint64(io_sum(s, "Read")));
		json_object_object_add(io, "write_bytes",
				       json_object_new_uint64(io_sum(s, "Write")));
		json_object_object_add(o, "io", io);
		json_object_object_add(psi, "cpu", psi_avg(&s->cpu.psi));
		json_object_object_add(psi, "memory", psi_avg(&s->memory.psi));
		json_object_object_add(psi, "io", psi_avg(&s->blkio.psi));
		json_object_object_add(o, "psi", psi);
		json_object *d = rows[i].disk.has ? json_object_new_object() : NULL;
		if (d) {
			json_object_object_add(d, "size",
					       json_object_new_uint64(rows[i].disk.size));
			json_object_object_add(d, "used",
					       json_object_new_uint64(rows[i].disk.used));
		}
		json_object_object_add(o, "disk", d);
		json_object_array_add(a, o);
	}
	puts(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
	json_object_put(a);
}

static int sample(struct vps_ctx *ctx, struct row *rows, size_t n, bool second)
{
	for (size_t i = 0; i < n; i++) {
		ctx->id = vps_monitor_id(rows[i].m);
		if (vps_stats(rows[i].m, second ? &rows[i].b : &rows[i].a, &ctx->err) < 0)
			return -1;
		vps_err e; /* a disk that cannot be read shows as none */
		if (second && vps_disk_use(ctx->root, ctx->id, &rows[i].disk, &e) < 0)
			rows[i].disk.has = false;
	}
	return 0;
}

/* No id given: every running container under --root (in place, in ids). */
static int running_ids(struct vps_ctx *ctx, char ***ids, size_t *n)
{
	if (vps_store_list(ctx->root, ids, &ctx->err) < 0)
		return -1;
	size_t k = 0;
	for (size_t i = 0; (*ids)[i]; i++) {
		char *id = (*ids)[i];
		struct vps_monitor *m;
		(*ids)[i] = NULL;
		if (vps_monitor_open(ctx->root, id, &m, &ctx->err) < 0) {
			free(id);
			continue;
		}
		bool keep = vps_monitor_status(m) == VPS_RUNNING;
		vps_monitor_close(m);
		if (keep)
			(*ids)[k++] = id;
		else
			free(id);
	}
	*n = k;
	return 0;
}

int cmd_stats(struct vps_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
					     {"json", no_argument, NULL, 'j'},
					     {"interval", required_argument, NULL, 'i'},
					     {0}};
	bool json = false;
	long interval = 1000;
	int opt, r;
	while ((opt = cli_getopt(ctx, argc, argv, "h", opts)) != -1) {
		if (opt == 'j')
			json = true;
		else if (opt == 'i' && cli_parse_duration_ms(optarg, &interval) < 0)
			return cli_usage(ctx,
					 "--interval: expected a duration like 1s or 500ms, "
					 "got \"%s\"",
					 optarg);
		else if (opt != 'i' && (r = cli_opt_common(ctx, opt)) >= 0)
			return r;
	}
	size_t n = (size_t)(argc - optind);
	char **ids = argv + optind;
	_cleanup_strv_ char **all = NULL;
	if (n == 0 && running_ids(ctx, &all, &n) < 0)
		return cli_fail(ctx);
	ids = all ? all : ids;
	vps_err_clear(&ctx->err);
	struct row *rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return vps_error(&ctx->err, ENOMEM, "stats"), cli_fail(ctx);
	size_t opened = 0;
	for (; opened < n; opened++) {
		ctx->id = ids[opened];
		if (vps_monitor_open(ctx->root, ids[opened], &rows[opened].m, &ctx->err) < 0)
			break;
	}
	r = opened == n ? sample(ctx, rows, n, false) : -1;
	struct timespec t0, t1, d = {interval / 1000, (interval % 1000) * 1000000L};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (r >= 0) {
		nanosleep(&d, NULL);
		r = sample(ctx, rows, n, true);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	for (size_t i = 0; r >= 0 && i < n; i++)
		rows[i].cpu_pct =
		    wall > 0 ? 100.0 * (double)(rows[i].b.cpu.total - rows[i].a.cpu.total) / wall
			     : 0;
	if (r >= 0) {
		ctx->id = NULL;
		json ? print_json(rows, n, ids) : print_table(rows, n, ids);
	}
	for (size_t i = 0; i < n; i++) {
		vps_stats_free(&rows[i].a);
		vps_stats_free(&rows[i].b);
		if (i < opened)
			vps_monitor_close(rows[i].m);
	}
	free(rows);
	return r < 0 ? cli_fail(ctx) : 0;
}
