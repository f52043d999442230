/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The org.systemd.property.NAME=VALUE annotations engines pass (podman,
 * containerd, docker, CRI) as unit properties, by runc's rules: NAME is 3 or
 * more ASCII letters; VALUE is GVariant text (the subset engines write:
 * true/false, 'string' or "string", typed numbers "uint64 5" / "@t 5",
 * untyped integers as int32, decimals as double, arrays of strings); a NAME
 * ending in a lowercase letter + "Sec" becomes NAME...USec with the seconds
 * times 10^6 as uint64. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/internal.h"
#include "util/fmt.h"

#define PROP_PREFIX "org.systemd.property."
#define MAX_ITEMS   256

static const struct {
	const char *kw, *sig;
} types[] = {{"boolean", "b"}, {"byte", "y"},	{"int16", "n"},	    {"uint16", "q"},
	     {"int32", "i"},   {"uint32", "u"}, {"int64", "x"},	    {"uint64", "t"},
	     {"double", "d"},  {"string", "s"}, {"objectpath", "s"}};

static const char *skip_ws(const char *s)
{
	return s + strspn(s, " \t\n");
}

/* A quoted string at *s ('...' or "..."), backslash escapes; *s moves past it. */
static int parse_str(const char **s, char **out, const char **why)
{
	char q = **s;
	const char *p = *s + 1;
	char *o = malloc(strlen(p) + 1);
	size_t n = 0;
	if (!o)
		return -ENOMEM;
	for (; *p && *p != q; p++) {
		if (*p == '\\' && p[1])
			p++;
		o[n++] = *p == 'n' && p[-1] == '\\' ? '\n' : *p;
	}
	o[n] = '\0';
	if (*p != q) {
		free(o);
		*why = "unterminated string";
		return -EINVAL;
	}
	*s = p + 1;
	*out = o;
	return 0;
}

static int parse_strv(const char **s, struct cg_sd_prop *p, const char **why)
{
	const char *c = skip_ws(*s + 1);
	if (!(p->strv = calloc(MAX_ITEMS + 1, sizeof(char *))))
		return -ENOMEM;
	while (*c != ']') {
		if ((*c != '\'' && *c != '"') || p->n >= MAX_ITEMS) {
			*why = p->n >= MAX_ITEMS ? "too many items" : "only arrays of strings";
			return -EINVAL;
		}
		int r = parse_str(&c, &p->strv[p->n], why);
		if (r < 0)
			return r;
		p->n++;
		c = skip_ws(c);
		if (*c == ',')
			c = skip_ws(c + 1);
		else if (*c != ']') {
			*why = "expected ',' or ']' in array";
			return -EINVAL;
		}
	}
	*s = c + 1;
	return 0;
}

/* A number of signature sig ("" to infer: int32, or double with . or e). */
static int parse_num(const char **s, char *sig, struct cg_sd_prop *p, const char **why)
{
	const char *t = *s;
	char *end;
	bool dbl = sig[0] == 'd' || (!sig[0] && strpbrk(t, ".eE") && strncmp(t, "0x", 2));
	errno = 0;
	if (dbl) {
		p->dbl = strtod(t, &end);
		sig[0] = 'd';
	} else if (*t == '-') {
		long long v = strtoll(t, &end, 0);
		p->num = (uint64_t)v;
		if (!sig[0])
			sig[0] = 'i';
		long long lo = sig[0] == 'n' ? INT16_MIN : sig[0] == 'i' ? INT32_MIN : LLONG_MIN;
		if (!strchr("nix", sig[0]) || v < lo)
			errno = ERANGE;
	} else {
		unsigned long long v = strtoull(t, &end, 0);
		p->num = v;
		if (!sig[0])
			sig[0] = 'i';
		unsigned long long hi = strchr("y", sig[0])   ? UINT8_MAX
					: strchr("n", sig[0]) ? INT16_MAX
					: strchr("q", sig[0]) ? UINT16_MAX
					: strchr("i", sig[0]) ? INT32_MAX
					: strchr("u", sig[0]) ? UINT32_MAX
					: strchr("x", sig[0]) ? LLONG_MAX
							      : ULLONG_MAX;
		if (!strchr("ynqiuxt", sig[0]) || v > hi)
			errno = ERANGE;
	}
	if (end == t) {
		*why = "not a number";
		return -EINVAL;
	}
	if (errno) {
		*why = "number out of range for its type";
		return -EINVAL;
	}
	*s = end;
	return 0;
}

/* A type annotation ("uint64 ", "@t ") at *s into sig; *s moves past it. */
static void parse_type(const char **s, char *sig)
{
	if (**s == '@') {
		size_t l = strcspn(*s + 1, " \t");
		if (l == 1 || (l == 2 && strncmp(*s + 1, "as", 2) == 0)) {
			memcpy(sig, *s + 1, l);
			*s = skip_ws(*s + 1 + l);
		}
		return;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t l = strlen(types[i].kw);
		if (strncmp(*s, types[i].kw, l) == 0 && strchr(" \t", (*s)[l])) {
			strcpy(sig, types[i].sig);
			*s = skip_ws(*s + l);
			return;
		}
	}
}

static int parse_value(const char *text, struct cg_sd_prop *p, const char **why)
{
	char sig[4] = "";
	const char *s = skip_ws(text);
	int r;
	parse_type(&s, sig);
	if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) {
		if (sig[0] && sig[0] != 'b')
			return *why = "a boolean for a non-boolean type", -EINVAL;
		p->num = s[0] == 't';
		s += s[0] == 't' ? 4 : 5;
		sig[0] = 'b';
	} else if (*s == '\'' || *s == '"') {
		if (sig[0] && sig[0] != 's')
			return *why = "a string for a non-string type", -EINVAL;
		if ((r = parse_str(&s, &p->str, why)) < 0)
			return r;
		sig[0] = 's';
	} else if (*s == '[') {
		if (sig[0] && strcmp(sig, "as"))
			return *why = "an array for a non-array type", -EINVAL;
		if ((r = parse_strv(&s, p, why)) < 0)
			return r;
		strcpy(sig, "as");
	} else if ((r = parse_num(&s, sig, p, why)) < 0)
		return r;
	if (*skip_ws(s))
		return *why = "trailing characters", -EINVAL;
	memcpy(p->sig, sig, sizeof(sig));
	return 0;
}

/* runc's checkPropertyName */
static const char *bad_name(const char *n)
{
	if (strlen(n) < 3)
		return "too short";
	for (; *n; n++)
		if (!((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z')))
			return "contains non-alphabetic character";
	return NULL;
}

/* NAMEsec -> NAMEUSec, seconds -> microseconds (runc's convertSecToUSec). */
static int sec_to_usec(struct cg_sd_prop *p, const char **why)
{
	size_t l = strlen(p->name);
	if (l < 4 || strcmp(p->name + l - 3, "Sec") || p->name[l - 4] < 'a' || p->name[l - 4] > 'z')
		return 0;
	if (l + 2 > sizeof(p->name))
		return *why = "name too long", -EINVAL;
	strcpy(p->name + l - 3, "USec");
	if (p->sig[0] == 'd')
		p->num = p->dbl < 0 ? 0 : (uint64_t)(p->dbl * 1000000);
	else if (strchr("nix", p->sig[0]) && (int64_t)p->num < 0)
		p->num = (uint64_t)((int64_t)p->num * 1000000);
	else if (p->sig[1] == '\0' && strchr("ynqiuxt", p->sig[0]))
		p->num *= 1000000;
	else
		return *why = "not a number", -EINVAL;
	strcpy(p->sig, "t");
	return 0;
}

int cg_sd_props_from_annotations(struct cg_sd_props *ps, const struct oci_kv *ann, size_t n,
				 vps_err *err)
{
	size_t pl = strlen(PROP_PREFIX);
	for (size_t i = 0; i < n; i++) {
		const char *k = ann[i].key, *v = ann[i].value ? ann[i].value : "", *why = NULL;
		if (strncmp(k, PROP_PREFIX, pl))
			continue;
		if ((why = bad_name(k + pl)))
			return vps_errorx(err, EINVAL, "annotation %s name incorrect: %s", k, why);
		struct cg_sd_prop *p = cg_sd_props_add(ps, k + pl, "");
		if (!p)
			return vps_errorx(err, EINVAL, "annotation %s name incorrect: too long", k);
		int r = parse_value(v, p, &why);
		if (r == 0)
			r = sec_to_usec(p, &why);
		if (r == -ENOMEM)
			return vps_error(err, ENOMEM, "annotation %s", k);
		if (r < 0)
			return vps_errorx(err, EINVAL, "annotation %s=%s value parse error: %s", k,
					  v, why);
	}
	return 0;
}
