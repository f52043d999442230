/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The default config.json written by `vps spec`: equivalent to runc's
 * (`runc spec`, and `runc spec --rootless` for the rootless variant), as of
 * runc 1.2: no ambient set (an ambient cap needs an inheritable one). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "specs/spec.h"
#include "util/fmt.h"

static const char default_json[] =
    "{\n"
    "	\"ociVersion\": \"1.2.0\",\n"
    "	\"process\": {\n"
    "		\"terminal\": true,\n"
    "		\"user\": {\n"
    "			\"uid\": 0,\n"
    "			\"gid\": 0\n"
    "		},\n"
    "		\"args\": [\n"
    "			\"sh\"\n"
    "		],\n"
    "		\"env\": [\n"
    "			\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
    "			\"TERM=xterm\"\n"
    "		],\n"
    "		\"cwd\": \"/\",\n"
    "		\"capabilities\": {\n"
    "			\"bounding\": [\n"
    "				\"CAP_AUDIT_WRITE\",\n"
    "				\"CAP_KILL\",\n"
    "				\"CAP_NET_BIND_SERVICE\"\n"
    "			],\n"
    "			\"effective\": [\n"
    "				\"CAP_AUDIT_WRITE\",\n"
    "				\"CAP_KILL\",\n"
    "				\"CAP_NET_BIND_SERVICE\"\n"
    "			],\n"
    "			\"permitted\": [\n"
    "				\"CAP_AUDIT_WRITE\",\n"
    "				\"CAP_KILL\",\n"
    "				\"CAP_NET_BIND_SERVICE\"\n"
    "			]\n"
    "		},\n"
    "		\"rlimits\": [\n"
    "			{\n"
    "				\"type\": \"RLIMIT_NOFILE\",\n"
    "				\"hard\": 1024,\n"
    "				\"soft\": 1024\n"
    "			}\n"
    "		],\n"
    "		\"noNewPrivileges\": true\n"
    "	},\n"
    "	\"root\": {\n"
    "		\"path\": \"rootfs\",\n"
    "		\"readonly\": true\n"
    "	},\n"
    "	\"hostname\": \"vps\",\n"
    "	\"mounts\": [\n"
    "		{\n"
    "			\"destination\": \"/proc\",\n"
    "			\"type\": \"proc\",\n"
    "			\"source\": \"proc\"\n"
    "		},\n"
    "		{\n"
    "			\"destination\": \"/dev\",\n"
    "			\"type\": \"tmpfs\",\n"
    "			\"source\": \"tmpfs\",\n"
    "			\"options\": [\n"
    "				\"nosuid\",\n"
    "				\"strictatime\",\n"
    "				\"mode=755\",\n"
    "				\"size=65536k\"\n"
    "			]\n"
    "		},\n"
    "		{\n"
    "			\"destination\": \"/dev/pts\",\n"
    "			\"type\": \"devpts\",\n"
    "			\"source\": \"devpts\",\n"
    "			\"options\": [\n"
    "				\"nosuid\",\n"
    "				\"noexec\",\n"
    "				\"newinstance\",\n"
    "				\"ptmxmode=0666\",\n"
    "				\"mode=0620\",\n"
    "				\"gid=5\"\n"
    "			]\n"
    "		},\n"
    "		{\n"
    "			\"destination\": \"/dev/shm\",\n"
    "			\"type\": \"tmpfs\",\n"
    "			\"source\": \"shm\",\n"
    "			\"options\": [\n"
    "				\"nosuid\",\n"
    "				\"noexec\",\n"
    "				\"nodev\",\n"
    "				\"mode=1777\",\n"
    "				\"size=65536k\"\n"
    "			]\n"
    "		},\n"
    "		{\n"
    "			\"destination\": \"/dev/mqueue\",\n"
    "			\"type\": \"mqueue\",\n"
    "			\"source\": \"mqueue\",\n"
    "			\"options\": [\n"
    "				\"nosuid\",\n"
    "				\"noexec\",\n"
    "				\"nodev\"\n"
    "			]\n"
    "		},\n"
    "		{\n"
    "			\"destination\": \"/sys\",\n"
    "			\"type\": \"sysfs\",\n"
    "			\"source\": \"sysfs\",\n"
    "			\"options\": [\n"
    "				\"nosuid\",\n"
    "				\"noexec\",\n"
    "				\"nodev\",\n"
    "				\"ro\"\n"
    "			]\n"
    "		},\n"
    "		{\n"
    "			\"destination\": \"/sys/fs/cgroup\",\n"
    "			\"type\": \"cgroup\",\n"
    "			\"source\": \"cgroup\",\n"
    "			\"options\": [\n"
    "				\"nosuid\",\n"
    "				\"noexec\",\n"
    "				\"nodev\",\n"
    "				\"relatime\",\n"
    "				\"ro\"\n"
    "			]\n"
    "		}\n"
    "	],\n"
    "	\"linux\": {\n"
    "		\"resources\": {\n"
    "			\"devices\": [\n"
    "				{\n"
    "					\"allow\": false,\n"
    "					\"access\": \"rwm\"\n"
    "				}\n"
    "			]\n"
    "		},\n"
    "		\"namespaces\": [\n"
    "			{\n"
    "				\"type\": \"pid\"\n"
    "			},\n"
    "			{\n"
    "				\"type\": \"network\"\n"
    "			},\n"
    "			{\n"
    "				\"type\": \"ipc\"\n"
    "			},\n"
    "			{\n"
    "				\"type\": \"uts\"\n"
    "			},\n"
    "			{\n"
    "				\"type\": \"mount\"\n"
    "			}\n"
    "		],\n"
    "		\"maskedPaths\": [\n"
    "			\"/proc/acpi\",\n"
    "			\"/proc/asound\",\n"
    "			\"/proc/kcore\",\n"
    "			\"/proc/keys\",\n"
    "			\"/proc/latency_stats\",\n"
    "			\"/proc/timer_list\",\n"
    "			\"/proc/timer_stats\",\n"
    "			\"/proc/sched_debug\",\n"
    "			\"/sys/firmware\",\n"
    "			\"/proc/scsi\"\n"
    "		],\n"
    "		\"readonlyPaths\": [\n"
    "			\"/proc/bus\",\n"
    "			\"/proc/fs\",\n"
    "			\"/proc/irq\",\n"
    "			\"/proc/sys\",\n"
    "			\"/proc/sysrq-trigger\"\n"
    "		]\n"
    "	}\n"
    "}\n";

/* runc spec --rootless: a user namespace mapping the caller's uid/gid to 0,
 * no network namespace, /sys bind-mounted (sysfs needs a netns we don't
 * own), no uid=/gid= mount options, no cgroup resources. */
static int make_rootless(json_object *spec)
{
	json_object *lx = NULL, *nss = NULL, *mounts = NULL;
	if (!json_object_object_get_ex(spec, "linux", &lx) ||
	    !json_object_object_get_ex(lx, "namespaces", &nss) ||
	    !json_object_object_get_ex(spec, "mounts", &mounts))
		return -1;
	json_object *keep = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(nss); i++) {
		json_object *ns = json_object_array_get_idx(nss, i), *t = NULL;
		json_object_object_get_ex(ns, "type", &t);
		if (strcmp(json_object_get_string(t), "network") != 0)
			json_object_array_add(keep, json_object_get(ns));
	}
	json_object_array_add(keep, json_tokener_parse("{\"type\": \"user\"}"));
	json_object_object_add(lx, "namespaces", keep);
	char maps[160];
	/* fits: a number in 160 */
	vps_snprintf(maps, sizeof(maps), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]",
		     (unsigned)getuid());
	json_object_object_add(lx, "uidMappings", json_tokener_parse(maps));
	/* fits: a number in 160 */
	vps_snprintf(maps, sizeof(maps), "[{\"containerID\": 0, \"hostID\": %u, \"size\": 1}]",
		     (unsigned)getgid());
	json_object_object_add(lx, "gidMappings", json_tokener_parse(maps));
	json_object_object_del(lx, "resources");
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		json_object *m = json_object_array_get_idx(mounts, i), *d = NULL, *opts = NULL;
		json_object_object_get_ex(m, "destination", &d);
		if (strcmp(json_object_get_string(d), "/sys") == 0) {
			json_object_array_put_idx(
			    mounts, i,
			    json_tokener_parse("{\"destination\": \"/sys\", \"type\": \"none\", "
					       "\"source\": \"/sys\", \"options\": [\"rbind\", "
					       "\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}"));
			continue;
		}
		if (!json_object_object_get_ex(m, "options", &opts))
			continue;
		json_object *kept = json_object_new_array();
		for (size_t k = 0; k < json_object_array_length(opts); k++) {
			const char *o = json_object_get_string(json_object_array_get_idx(opts, k));
			if (strncmp(o, "uid=", 4) != 0 && strncmp(o, "gid=", 4) != 0)
				json_object_array_add(kept, json_object_new_string(o));
		}
		json_object_object_add(m, "options", kept);
	}
	return 0;
}

char *oci_spec_default_json(bool rootless)
{
	if (!rootless)
		return strdup(default_json);
	json_object *spec = json_tokener_parse(default_json);
	char *out = NULL;
	if (spec && make_rootless(spec) == 0)
		out = strdup(json_object_to_json_string_ext(
		    spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB |
			      JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(spec);
	if (out && strlen(out) + 2 < 1 << 20) {
		char *nl = realloc(out, strlen(out) + 2);
		if (nl)
			strcat(nl, "\n"), out = nl;
	}
	return out;
}
