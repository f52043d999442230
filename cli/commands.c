/* The dispatch table: one entry per command (keep it sorted by name). */
#include "cli/cli.h"

const struct vps_command vps_commands[] = {
	{"create", cmd_create, "create a container (its process waits for start)",
	 "Usage: vps create [OPTIONS] ID\n"
	 "\n"
	 "Create the container ID from an OCI bundle: namespaces, cgroup, rootfs and the\n"
	 "process are set up and the process waits until `vps start ID`.\n"
	 "\n"
	 "  -b, --bundle DIR          bundle directory (default .)\n"
	 "      --console-socket PATH send the pty master there (process.terminal)\n"
	 "      --pid-file FILE       write the container's host pid there\n"
	 "      --no-pivot            MS_MOVE + chroot instead of pivot_root\n"
	 "      --no-new-keyring      keep the caller's session keyring\n"
	 "      --preserve-fds N      pass fds 3..3+N-1 to the container\n"},
	{"delete", cmd_delete, "delete a container and everything it holds",
	 "Usage: vps delete [--force] ID\n"
	 "\n"
	 "Remove a stopped or created container: processes, cgroup, network, state.\n"
	 "Also cleans what a crashed create left behind.\n"
	 "\n"
	 "  -f, --force   kill a running container first\n"},
	{"exec", cmd_exec, "run a process in a running container",
	 "Usage: vps exec [OPTIONS] ID CMD [ARGS...]\n"
	 "       vps exec [OPTIONS] -p process.json ID\n"
	 "\n"
	 "Run a new process inside container ID (its namespaces, cgroup, capabilities,\n"
	 "seccomp) and return its exit status (128+N when killed by signal N).\n"
	 "\n"
	 "  -d, --detach               do not wait for the process\n"
	 "  -t, --tty                  allocate a pty\n"
	 "      --cwd DIR              working directory inside the container\n"
	 "  -e, --env KEY=VALUE        set an environment variable (repeatable)\n"
	 "  -u, --user UID[:GID]       run as this user\n"
	 "  -g, --additional-gids GID  supplementary group (repeatable)\n"
	 "      --cap CAP_X            add a capability (repeatable)\n"
	 "      --no-new-privs         set no_new_privs\n"
	 "  -p, --process FILE         the whole process object (JSON)\n"
	 "      --console-socket PATH  send the pty master there\n"
	 "      --pid-file FILE        write the process's host pid there\n"
	 "      --preserve-fds N       pass fds 3..3+N-1 to the process\n"
	 "      --ignore-paused        exec even if the container is paused\n"},
	{"kill", cmd_kill, "send a signal to a container",
	 "Usage: vps kill [--all] ID [SIGNAL]\n"
	 "\n"
	 "Send SIGNAL (a name like TERM/SIGKILL or a number; default TERM) to the\n"
	 "container's init, verified by pid and start time.\n"
	 "\n"
	 "  -a, --all   signal every process in the container\n"},
	{"ps", cmd_ps, "list the processes of a container",
	 "Usage: vps ps [-f table|json] ID [PS_ARGS...]\n"
	 "\n"
	 "Show the container's processes: ps(1) output (default `ps -ef`) limited to\n"
	 "them, or with -f json a JSON array of their host pids.\n"
	 "\n"
	 "  -f, --format table|json   output format (default table)\n"},
	{"run", cmd_run, "create and start a container",
	 "Usage: vps run [OPTIONS] ID\n"
	 "\n"
	 "Create and start container ID. In the foreground, stdio (or the pty) is\n"
	 "passed through, signals are forwarded, the container is deleted when its\n"
	 "process exits and vps exits with its status (128+N for signal N).\n"
	 "\n"
	 "  -d, --detach              return once started\n"
	 "  -b, --bundle DIR          bundle directory (default .)\n"
	 "      --console-socket PATH send the pty master there (with -d)\n"
	 "      --pid-file FILE       write the container's host pid there\n"
	 "      --no-pivot            MS_MOVE + chroot instead of pivot_root\n"
	 "      --no-new-keyring      keep the caller's session keyring\n"
	 "      --preserve-fds N      pass fds 3..3+N-1 to the container\n"},
	{"spec", cmd_spec, "write a default config.json into a bundle",
	 "Usage: vps spec [--bundle DIR] [--rootless]\n"
	 "\n"
	 "Write a default OCI config.json (equivalent to runc's) into DIR (default .).\n"
	 "Refuses to overwrite an existing config.json.\n"
	 "\n"
	 "  -b, --bundle DIR   bundle directory\n"
	 "      --rootless    a config for running without root (user namespace)\n"},
	{"start", cmd_start, "start a created container",
	 "Usage: vps start ID\n"
	 "\n"
	 "Let the created container's process exec; reports its exec error if any.\n"},
};
const unsigned vps_n_commands = sizeof(vps_commands) / sizeof(vps_commands[0]);
