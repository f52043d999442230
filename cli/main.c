/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vps entry point: global flags (runc's), then dispatch through the command table. */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "runtime/runtime.h"
#include "util/log.h"

#ifndef VPS_BUILD_LIBS
#define VPS_BUILD_LIBS ""
#endif

static void print_version(const char *root)
{
	const struct scmp_version *sv = seccomp_version();
	printf("vps version %s\n", VPS_VERSION);
	printf("spec: 1.2.0\n");
	printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	printf("json-c: %s\n", json_c_version());
	printf("built with: %s\n", VPS_BUILD_LIBS);
	char vm[PATH_MAX + 256];
	vps_err e = {0};
	if (vps_vm_describe(root, false, vm, sizeof(vm), &e) == 0)
		printf("vm: %s\n", vm);
	else
		printf("vm: unavailable (%s)\n", e.msg);
}

static void print_help(void)
{
	printf("Usage: vps [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
	       "vps runs Virtual Private Servers and OCI containers on one Linux kernel\n"
	       "(namespaces, cgroups, pivot_root, seccomp), or inside a microVM with --vm.\n\n"
	       "Commands:\n");
	for (unsigned i = 0; i < vps_n_commands; i++)
		printf("  %-10s %s\n", vps_commands[i].name, vps_commands[i].summary);
	printf("\nGlobal options:\n"
	       "  --root DIR              state directory (default %s)\n"
	       "  --inventory DIR         VPS records: settings, id ranges (default\n"
	       "                          $VPS_INVENTORY, else %s)\n"
	       "  --log FILE              log file (default: stderr)\n"
	       "  --log-format text|json  log format (json: runc-style lines)\n"
	       "  --debug                 debug logging\n"
	       "  --systemd-cgroup        cgroups through systemd: a transient scope per\n"
	       "                          container, cgroupsPath slice:prefix:name\n"
	       "  --criu PATH             criu for checkpoint/restore (default: criu on PATH)\n"
	       "  -h, --help              this help; `vps COMMAND --help` for a command\n"
	       "  -v, --version           version and library versions\n",
	       VPS_DEFAULT_ROOT, VPS_DEFAULT_INVENTORY);
}

/* --name VALUE or --name=VALUE; returns the value or NULL, advancing *i. */
static const char *flag_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* "did you mean": other tools' words for our verbs first, then typos. */
static void unknown_command(const char *word)
{
	static const char *const alias[][2] = {
	    {"enter", "exec"},	 {"attach", "exec"},   {"shell", "exec"},     {"ls", "list"},
	    {"rm", "delete"},	 {"remove", "delete"}, {"stop", "kill"},      {"inspect", "state"},
	    {"status", "state"}, {"top", "stats"},     {"unpause", "resume"}, {"new", "bundle"}};
	const char *near = NULL;
	for (size_t a = 0; a < sizeof(alias) / sizeof(alias[0]) && !near; a++)
		if (strcmp(word, alias[a][0]) == 0)
			near = alias[a][1];
	const char *names[64];
	size_t n = 0;
	for (; n < vps_n_commands && n < 64; n++)
		names[n] = vps_commands[n].name;
	if (!near)
		near = cli_nearest(word, names, n);
	if (near)
		fprintf(stderr,
			"vps: unknown command '%s': did you mean '%s'? (see 'vps --help')\n", word,
			near);
	else
		fprintf(stderr, "vps: unknown command '%s' (see 'vps --help')\n", word);
}

int main(int argc, char **argv)
{
	struct vps_ctx ctx = {.root = VPS_DEFAULT_ROOT, .cmd = "vps"};
	ctx.inventory = getenv("VPS_INVENTORY");
	if (!ctx.inventory || !*ctx.inventory)
		ctx.inventory = VPS_DEFAULT_INVENTORY;
	const char *log_format = "text", *v;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if ((v = flag_value(argc, argv, &i, "--root")))
			ctx.root = v;
		else if ((v = flag_value(argc, argv, &i, "--inventory")))
			ctx.inventory = v;
		else if ((v = flag_value(argc, argv, &i, "--log")))
			ctx.log_path = v;
		else if ((v = flag_value(argc, argv, &i, "--log-format")))
			log_format = v;
		else if ((v = flag_value(argc, argv, &i, "--criu")))
			ctx.criu = v;
		else if ((v = flag_value(argc, argv, &i, "--rootless")))
			; /* accepted for runc compatibility; no effect */
		else if (strcmp(a, "--debug") == 0)
			ctx.debug = true;
		else if (strcmp(a, "--systemd-cgroup") == 0)
			ctx.systemd_cgroup = true;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			print_help();
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
			print_version(ctx.root);
			return 0;
		} else {
			fprintf(stderr, "vps: unknown global option '%s' (see 'vps --help')\n", a);
			return 2;
		}
	}
	if (strcmp(log_format, "json") == 0)
		ctx.log_json = true;
	else if (strcmp(log_format, "text") != 0) {
		fprintf(stderr, "vps: --log-format: expected text or json, got \"%s\"\n",
			log_format);
		return 2;
	}
	if (vps_log_init(ctx.log_path, ctx.log_json, ctx.debug) < 0) {
		fprintf(stderr, "vps: --log %s: %s\n", ctx.log_path, strerror(errno));
		return 1;
	}
	if (i >= argc) {
		print_help();
		return 2;
	}
	for (unsigned c = 0; c < vps_n_commands; c++) {
		if (strcmp(vps_commands[c].name, argv[i]) != 0)
			continue;
		ctx.cmd = vps_commands[c].name;
		optind = 0; /* full getopt reset for the command's own parsing */
		return vps_commands[c].run(&ctx, argc - i, argv + i);
	}
	unknown_command(argv[i]);
	return 2;
}
