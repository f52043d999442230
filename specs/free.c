/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Freeing parsed specs; every function accepts partially filled structs. */
#include <stdlib.h>

#include "specs/parse_int.h"

void oci_free_strv(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void oci_free_kv(struct oci_kv *kv, size_t n)
{
	if (!kv)
		return;
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void oci_free_process(struct oci_process *proc)
{
	free(proc->user.additional_gids);
	free(proc->user.username);
	oci_free_strv(proc->args, proc->n_args);
	oci_free_strv(proc->env, proc->n_env);
	free(proc->cwd);
	for (size_t i = 0; proc->rlimits && i < proc->n_rlimits; i++)
		free(proc->rlimits[i].type);
	free(proc->rlimits);
	free(proc->apparmor_profile);
	free(proc->selinux_label);
}

void oci_process_free(struct oci_process *p)
{
	if (!p)
		return;
	oci_free_process(p);
	free(p);
}

void oci_free_resources(struct oci_resources *r)
{
	struct oci_blockio *b = &r->blockio;
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(b->weight_device);
	free(b->throttle_read_bps);
	free(b->throttle_write_bps);
	free(b->throttle_read_iops);
	free(b->throttle_write_iops);
	for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; r->net_priorities && i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	oci_free_kv(r->unified, r->n_unified);
}

void oci_resources_free(struct oci_resources *r)
{
	if (!r)
		return;
	oci_free_resources(r);
	free(r);
}

void oci_free_seccomp(struct oci_seccomp *s)
{
	if (!s)
		return;
	oci_free_strv(s->architectures, s->n_architectures);
	oci_free_strv(s->flags, s->n_flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
		oci_free_strv(s->syscalls[i].names, s->syscalls[i].n_names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}

void oci_free_linux(struct oci_linux *lx)
{
	for (int t = 0; t < OCI_NS_MAX; t++)
		free(lx->namespaces[t].path);
	free(lx->uid_mappings);
	free(lx->gid_mappings);
	for (size_t i = 0; lx->devices && i < lx->n_devices; i++)
		free(lx->devices[i].path);
	free(lx->devices);
	free(lx->cgroups_path);
	oci_free_resources(&lx->resources);
	oci_free_kv(lx->sysctl, lx->n_sysctl);
	oci_free_seccomp(lx->seccomp);
	oci_free_strv(lx->masked_paths, lx->n_masked_paths);
	oci_free_strv(lx->readonly_paths, lx->n_readonly_paths);
	free(lx->mount_label);
	oci_free_strv(lx->personality.flags, lx->personality.n_flags);
}

static void free_hooks(struct oci_hooks *h)
{
	for (int k = 0; k < OCI_HOOK_MAX; k++) {
		for (size_t i = 0; h->list[k] && i < h->n[k]; i++) {
			free(h->list[k][i].path);
			oci_free_strv(h->list[k][i].args, h->list[k][i].n_args);
			oci_free_strv(h->list[k][i].env, h->list[k][i].n_env);
		}
		free(h->list[k]);
	}
}

void oci_spec_free(struct oci_spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root_path);
	for (size_t i = 0; s->mounts && i < s->n_mounts; i++) {
		struct oci_mount *m = &s->mounts[i];
		free(m->destination);
		free(m->source);
		free(m->type);
		oci_free_strv(m->options, m->n_options);
		free(m->uid_mappings);
		free(m->gid_mappings);
	}
	free(s->mounts);
	if (s->process)
		oci_process_free(s->process);
	free(s->hostname);
	free(s->domainname);
	free_hooks(&s->hooks);
	oci_free_kv(s->annotations, s->n_annotations);
	oci_free_linux(&s->lx);
	free(s);
}
