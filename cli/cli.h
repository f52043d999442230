/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI: argument parsing and output only. A command is one file cli/cmd_NAME.c
 * defining `int cmd_NAME(struct vps_ctx *, int argc, char **argv)` plus one entry
 * in the table in cli/commands.c. argv[0] is the command name; parse with
 * getopt_long (optind is reset for you). */
#pragma once
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define VPS_VERSION "0.1.0"

struct vps_ctx {
	const char *root; /* --root (default /run/vps) */
	/* --inventory, else $VPS_INVENTORY, else /var/lib/vps: the VPS face's
	 * persistent records (VPS entries, id ranges) */
	const char *inventory;
	const char *log_path; /* --log */
	bool log_json;	      /* --log-format json */
	bool debug;	      /* --debug */
	bool systemd_cgroup;  /* --systemd-cgroup */
	const char *criu;     /* --criu PATH: the criu binary or wrapper (NULL: on PATH) */
	const char *cmd;      /* command name, for error prefixes */
	const char *id;	      /* container id once known, for error prefixes */
	vps_err err;
};

struct vps_command {
	const char *name;
	int (*run)(struct vps_ctx *ctx, int argc, char **argv);
	const char *summary; /* one line for `vps --help` */
	const char *usage;   /* full text for `vps CMD --help` (starts with "Usage: vps CMD ...") */
};

extern const struct vps_command vps_commands[];
extern const unsigned vps_n_commands;

/* Print ctx->err once as "vps: CMD ID: msg" (stderr, and the --log file in
 * runc's JSON shape when set). Returns the exit status to use (1). */
int cli_fail(struct vps_ctx *ctx);
/* Usage error: "vps: CMD: msg" plus a hint to --help; returns 2. */
int cli_usage(struct vps_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the command's usage to stdout; returns 0. */
int cli_help(struct vps_ctx *ctx);
/* getopt_long for every verb. Options may follow positional arguments (runc's
 * CLI allows both orders) unless shortopts starts with '+' (exec, ps: parsing
 * stops at the id, as in runc, so the command keeps its own options; `--` works
 * everywhere). Long options must be spelled in full: no prefix matching, so a
 * verb's options never turn each other "ambiguous". Errors are printed here
 * (unknown option with a "did you mean", missing value) and returned as
 * CLI_OPT_ERROR, which cli_opt_common turns into exit status 2. */
#define CLI_OPT_ERROR (-2)
int cli_getopt(struct vps_ctx *ctx, int argc, char **argv, const char *shortopts,
	       const struct option *longopts);
/* The candidate nearest to word (an abbreviation, a typo), or NULL. */
const char *cli_nearest(const char *word, const char *const *cands, size_t n);
/* Standard handling for the `-h/--help` option and the default case of a getopt loop:
 * returns -1 to continue, or the exit status to return. */
int cli_opt_common(struct vps_ctx *ctx, int opt);
/* Exactly `want` positional args left (want < 0: at least -want). Sets ctx->id
 * to the first one. Returns 0 or prints a usage error and returns 2. */
int cli_positional(struct vps_ctx *ctx, int argc, char **argv, int want);
/* The whole parse of a verb with no options but --help: -1 to go on (ctx->id
 * set as cli_positional does), else the exit status to return (0 after --help). */
int cli_args_only(struct vps_ctx *ctx, int argc, char **argv, int want);

/* Command entry points: declare here, list in commands.c. */
int cmd_spec(struct vps_ctx *ctx, int argc, char **argv);
int cmd_create(struct vps_ctx *ctx, int argc, char **argv);
int cmd_delete(struct vps_ctx *ctx, int argc, char **argv);
int cmd_exec(struct vps_ctx *ctx, int argc, char **argv);
int cmd_kill(struct vps_ctx *ctx, int argc, char **argv);
int cmd_ps(struct vps_ctx *ctx, int argc, char **argv);
int cmd_run(struct vps_ctx *ctx, int argc, char **argv);
int cmd_start(struct vps_ctx *ctx, int argc, char **argv);

/* create/run option parsing (cmd_create.c); detach NULL for create. Returns
 * -1 to go on, else the exit status. */
struct vps_create_opts;
int cli_create_args(struct vps_ctx *ctx, int argc, char **argv, struct vps_create_opts *o,
		    bool *detach);
int cmd_state(struct vps_ctx *ctx, int argc, char **argv);
int cmd_list(struct vps_ctx *ctx, int argc, char **argv);
int cmd_features(struct vps_ctx *ctx, int argc, char **argv);
int cmd_bundle(struct vps_ctx *ctx, int argc, char **argv);
int cmd_groupadd(struct vps_ctx *ctx, int argc, char **argv);
int cmd_groupdel(struct vps_ctx *ctx, int argc, char **argv);
int cmd_net(struct vps_ctx *ctx, int argc, char **argv);
int cmd_passwd(struct vps_ctx *ctx, int argc, char **argv);
int cmd_useradd(struct vps_ctx *ctx, int argc, char **argv);
int cmd_userdel(struct vps_ctx *ctx, int argc, char **argv);
int cmd_users(struct vps_ctx *ctx, int argc, char **argv);
int cmd_pause(struct vps_ctx *ctx, int argc, char **argv);
int cmd_resume(struct vps_ctx *ctx, int argc, char **argv);
int cmd_update(struct vps_ctx *ctx, int argc, char **argv);
int cmd_events(struct vps_ctx *ctx, int argc, char **argv);
int cmd_stats(struct vps_ctx *ctx, int argc, char **argv);
int cmd_destroy(struct vps_ctx *ctx, int argc, char **argv);
int cmd_set(struct vps_ctx *ctx, int argc, char **argv);
int cmd_stop(struct vps_ctx *ctx, int argc, char **argv);
int cmd_restart(struct vps_ctx *ctx, int argc, char **argv);
int cmd_console(struct vps_ctx *ctx, int argc, char **argv);
int cmd_logs(struct vps_ctx *ctx, int argc, char **argv);
int cmd_migrate(struct vps_ctx *ctx, int argc, char **argv);
int cmd_migrate_recv(struct vps_ctx *ctx, int argc, char **argv);
int cmd_checkpoint(struct vps_ctx *ctx, int argc, char **argv);
int cmd_restore(struct vps_ctx *ctx, int argc, char **argv);
