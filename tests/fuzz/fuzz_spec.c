/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: every JSON parser in specs/ (config.json, process.json,
 * resources.json, state.json) on arbitrary bytes. Any crash, leak or
 * sanitizer report is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "specs/spec.h"
#include "specs/state.h"
#include "util/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vps_log_init("/dev/null", 0, 0); /* unknown capabilities warn */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *json = (const char *)data;
	vps_err err = {0};
	struct oci_spec *spec = NULL;
	if (oci_spec_parse(json, size, &spec, &err) == 0) {
		oci_annotation(spec, "x");
		oci_spec_free(spec);
	}
	struct oci_process *proc = NULL;
	if (oci_process_parse(json, size, &proc, &err) == 0)
		oci_process_free(proc);
	struct oci_resources *res = NULL;
	if (oci_resources_parse(json, size, &res, &err) == 0)
		oci_resources_free(res);
	struct vps_state *st = NULL;
	if (vps_state_from_json(json, size, &st, &err) == 0) {
		free(vps_state_to_json(st));
		free(vps_state_oci_json(st));
		vps_state_free(st);
	}
	return 0;
}
