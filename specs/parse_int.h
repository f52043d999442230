/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to specs/: the section parsers behind oci_spec_parse. Each fills
 * a zeroed struct; on error the caller frees the partial result. */
#pragma once
#include <json-c/json.h>

#include "specs/jparse.h"
#include "specs/spec.h"

int oci_parse_process(struct jp *p, json_object *o, void *process, void *ctx);
int oci_parse_caps(struct jp *p, json_object *o, void *caps, void *ctx);
int oci_parse_sched_io(struct jp *p, json_object *o, struct oci_process *proc);
int oci_parse_idmap(struct jp *p, json_object *o, void *map, void *ctx);
int oci_parse_mount(struct jp *p, json_object *o, void *mount, void *ctx);
int oci_parse_linux(struct jp *p, json_object *o, void *lx, void *ctx);
int oci_parse_linux_misc(struct jp *p, json_object *o, struct oci_linux *lx);
int oci_parse_resources(struct jp *p, json_object *o, void *res, void *ctx);
int oci_parse_blockio(struct jp *p, json_object *o, void *bio, void *ctx);
int oci_parse_resources_more(struct jp *p, json_object *o, struct oci_resources *res);
int oci_parse_seccomp(struct jp *p, json_object *o, void *seccomp, void *ctx);
int oci_parse_hooks(struct jp *p, json_object *o, void *hooks, void *ctx);

/* Every entry of v (at .key) is KEY=VALUE with a non-empty KEY. */
int oci_check_env(struct jp *p, const char *key, char **v, size_t n);

/* Checks across sections (namespaces vs. id maps, hostname, sysctl, ...). */
int oci_validate_spec(struct jp *p, const struct oci_spec *spec);

void oci_free_process(struct oci_process *proc);
void oci_free_linux(struct oci_linux *lx);
void oci_free_resources(struct oci_resources *res);
void oci_free_seccomp(struct oci_seccomp *s);
void oci_free_kv(struct oci_kv *kv, size_t n);
void oci_free_strv(char **v, size_t n);
