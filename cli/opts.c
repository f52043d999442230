/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one option parser every verb uses: getopt_long with exact long names,
 * options after positional arguments, and our own error texts. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/fmt.h"

/* Levenshtein distance of two short words (longer ones are compared on their
 * first 31 bytes; a suggestion needs no more). */
static unsigned distance(const char *a, const char *b)
{
	size_t la = strnlen(a, 31), lb = strnlen(b, 31);
	unsigned row[32];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

const char *cli_nearest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t wl = strlen(word);
	unsigned best_d = wl < 4 ? 2 : 3; /* beat this: no wild guesses for short words */
	for (size_t i = 0; i < n; i++) {
		if (wl >= 3 && strncmp(cands[i], word, wl) == 0)
			return cands[i]; /* the word abbreviates this one */
		unsigned d = distance(word, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best;
}

/* "--name" or "--name=value" of argv element s, as typed (name only). */
static size_t long_len(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? (size_t)(eq - s - 2) : strlen(s) - 2;
}

static const char *nearest_long(const char *typed, const struct option *longopts)
{
	const char *names[64];
	size_t n = 0;
	for (; longopts[n].name && n < 64; n++)
		names[n] = longopts[n].name;
	char word[64];
	/* snprintf-ok: only for a spelling suggestion */
	snprintf(word, sizeof(word), "%.*s", (int)long_len(typed), typed + 2);
	return cli_nearest(word, names, n);
}

static int report(struct vps_ctx *ctx, int argc, char **argv, int opt,
		  const struct option *longopts)
{
	const char *el = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "";
	bool is_long = strncmp(el, "--", 2) == 0;
	if (opt == ':' && is_long)
		return cli_usage(ctx, "option '%s' needs a value", el);
	if (opt == ':')
		return cli_usage(ctx, "option '-%c' needs a value", optopt);
	if (!is_long)
		return cli_usage(ctx, "unknown option '-%c'", optopt ? optopt : '?');
	if (optopt && strchr(el, '='))
		return cli_usage(ctx, "option '%.*s' takes no value", (int)long_len(el) + 2, el);
	const char *near = nearest_long(el, longopts);
	if (near)
		return cli_usage(ctx, "unknown option '%.*s' (did you mean '--%s'?)",
				 (int)long_len(el) + 2, el, near);
	return cli_usage(ctx, "unknown option '%.*s'", (int)long_len(el) + 2, el);
}

int cli_getopt(struct vps_ctx *ctx, int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	char spec[128];
	bool stop = shortopts[0] == '+';
	/* fits: a command's short options */
	vps_snprintf(spec, sizeof(spec), "%s:%s", stop ? "+" : "", shortopts + stop);
	int idx = -1;
	opterr = 0;
	int opt = getopt_long(argc, argv, spec, longopts, &idx);
	if (opt == '?' || opt == ':') {
		report(ctx, argc, argv, opt, longopts);
		return CLI_OPT_ERROR;
	}
	if (opt == -1 || idx < 0)
		return opt;
	/* A long option: refuse getopt's prefix match (--cpu for --cpu-quota) so no
	 * option ever depends on which others a verb happens to have. */
	int at = optarg && optind >= 2 && optarg == argv[optind - 1] ? optind - 2 : optind - 1;
	const char *el = argv[at];
	if (strncmp(el, "--", 2) == 0 && long_len(el) == strlen(longopts[idx].name))
		return opt;
	optind = at + 1; /* name the element, not its value */
	optopt = 0;
	report(ctx, argc, argv, '?', longopts);
	return CLI_OPT_ERROR;
}
