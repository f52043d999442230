/* The dispatch table: one entry per command (keep it sorted by name). */
#include "cli/cli.h"

const struct vps_command vps_commands[] = {
	{"spec", cmd_spec, "write a default config.json into a bundle",
	 "Usage: vps spec [--bundle DIR] [--rootless]\n"
	 "\n"
	 "Write a default OCI config.json (equivalent to runc's) into DIR (default .).\n"
	 "Refuses to overwrite an existing config.json.\n"
	 "\n"
	 "  -b, --bundle DIR   bundle directory\n"
	 "      --rootless    a config for running without root (user namespace)\n"},
};
const unsigned vps_n_commands = sizeof(vps_commands) / sizeof(vps_commands[0]);
