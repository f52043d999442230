/* The dispatch table: one entry per command (keep it sorted by name). */
#include "cli/cli.h"

/* One hand-laid entry per command, usage text as written. */
/* clang-format off */
const struct vps_command vps_commands[] = {
	{"bundle", cmd_bundle, "make a VPS bundle from a template",
	 "Usage: vps bundle DIR [--template T] [--name NAME] [OPTIONS]\n"
	 "\n"
	 "Make an OCI bundle (DIR/rootfs and DIR/config.json) for a VPS. DIR must not\n"
	 "exist or be empty. The VPS runs the template's init as pid 1, with its own\n"
	 "hostname, a default seccomp profile and memory/pids limits.\n"
	 "\n"
	 "  -t, --template T    busybox (default; from Debian's busybox-static),\n"
	 "                      debian[:SUITE] (debootstrap, cached in /var/cache/vps),\n"
	 "                      dir:PATH (copy a root tree), tar:FILE (unpack a tarball)\n"
	 "  -n, --name NAME     the VPS's name (default: DIR's last component)\n"
	 "      --hostname H    hostname (default: NAME)\n"
	 "      --memory SIZE   memory limit, bytes or with K/M/G (default 512M)\n"
	 "      --pids N        process limit (default 1024)\n"
	 "      --cpus N        CPU limit in CPUs, e.g. 0.5 or 2 (default: none)\n"
	 "      --ip ADDR/LEN   address for the VPS (annotation org.vps.net.ip)\n"
	 "      --bridge BR     host bridge (annotation org.vps.net.bridge)\n"
	 "      --gateway ADDR  default gateway (annotation org.vps.net.gateway)\n"
	 "      --vm            run in a microVM (annotation org.vps.isolation=vm)\n"},
	{"events", cmd_events, "stream a container's stats and OOM events as JSON",
	 "Usage: vps events [--stats] [--interval DUR] ID\n"
	 "\n"
	 "Print runc's event stream, one JSON object per line: {\"type\":\"stats\",\"id\":ID,\n"
	 "\"data\":{cpu,memory,pids,blkio,hugetlb}} every interval and {\"type\":\"oom\",\"id\":ID}\n"
	 "when the kernel OOM-kills a process of the container. Ends when it stops.\n"
	 "\n"
	 "      --stats          print one stats event and exit\n"
	 "      --interval DUR   time between stats events (default 5s; e.g. 500ms, 1m)\n"},
	{"features", cmd_features, "print the OCI features this vps supports (JSON)",
	 "Usage: vps features\n"
	 "\n"
	 "Print the OCI runtime features document (runtime-spec features.md) as JSON:\n"
	 "OCI versions, hooks, mount options, namespaces, capabilities, cgroup drivers,\n"
	 "seccomp actions/operators/architectures/flags. Lists are what this build on\n"
	 "this kernel really supports (probed where it depends on the host).\n"},
	{"groupadd", cmd_groupadd, "add a group to a VPS",
	 "Usage: vps groupadd NAME GROUP [--gid N] [--system]\n"
	 "       vps groupadd --bundle DIR GROUP [--gid N] [--system]\n"
	 "\n"
	 "Add GROUP to the VPS's /etc/group and /etc/gshadow.\n"
	 "\n"
	 "  -b, --bundle DIR   a stopped VPS's bundle instead of NAME\n"
	 "  -g, --gid N        the group id (default: the next free one)\n"
	 "  -r, --system       a system group (id from 100..999)\n"
	 "\n"
	 "The VPS is a container NAME (created or running; its rootfs is found through\n"
	 "the state under --root) or, for a stopped VPS, --bundle DIR (a bundle made by\n"
	 "vps bundle or any OCI bundle). Files are edited from the host under the VPS's\n"
	 "/etc/.pwd.lock; see vps-users(8).\n"},
	{"groupdel", cmd_groupdel, "remove a group from a VPS",
	 "Usage: vps groupdel NAME GROUP\n"
	 "       vps groupdel --bundle DIR GROUP\n"
	 "\n"
	 "Remove GROUP from the VPS's /etc/group and /etc/gshadow. Refused while it is a\n"
	 "user's primary group.\n"
	 "\n"
	 "  -b, --bundle DIR   a stopped VPS's bundle instead of NAME\n"
	 "\n"
	 "The VPS is a container NAME (created or running; its rootfs is found through\n"
	 "the state under --root) or, for a stopped VPS, --bundle DIR (a bundle made by\n"
	 "vps bundle or any OCI bundle). Files are edited from the host under the VPS's\n"
	 "/etc/.pwd.lock; see vps-users(8).\n"},
	{"list", cmd_list, "list containers",
	 "Usage: vps list [--format table|json] [-q]\n"
	 "\n"
	 "List the containers under --root with their live status.\n"
	 "\n"
	 "  -f, --format FMT   table (default: ID PID STATUS BUNDLE CREATED OWNER) or json\n"
	 "  -q, --quiet        print only the ids\n"},
	{"passwd", cmd_passwd, "set, lock or unlock a password inside a VPS",
	 "Usage: vps passwd NAME [USER] [--stdin | --hash HASH | --lock | --unlock]\n"
	 "       vps passwd --bundle DIR [USER] [...]\n"
	 "\n"
	 "Set USER's (default root) password in the VPS's /etc/shadow. The password is\n"
	 "read twice from the terminal without echo, or once from standard input with\n"
	 "--stdin; it is never taken from the command line.\n"
	 "\n"
	 "  -b, --bundle DIR   a stopped VPS's bundle instead of NAME\n"
	 "      --stdin        read the password from standard input (one line)\n"
	 "      --hash HASH    set a ready crypt(5) hash ($y$... or $6$...), validated\n"
	 "      --method M     yescrypt or sha512 (default: the VPS's login.defs\n"
	 "                     ENCRYPT_METHOD, else yescrypt)\n"
	 "      --lock         lock the password (prefix '!')\n"
	 "      --unlock       unlock it again\n"
	 "\n"
	 "The VPS is a container NAME (created or running; its rootfs is found through\n"
	 "the state under --root) or, for a stopped VPS, --bundle DIR (a bundle made by\n"
	 "vps bundle or any OCI bundle). Files are edited from the host under the VPS's\n"
	 "/etc/.pwd.lock; see vps-users(8).\n"},
	{"pause", cmd_pause, "freeze every process of a container",
	 "Usage: vps pause ID\n"
	 "\n"
	 "Freeze every process of a running container (cgroup freezer); its status\n"
	 "becomes \"paused\" until `vps resume ID`.\n"},
	{"resume", cmd_resume, "thaw a paused container",
	 "Usage: vps resume ID\n"
	 "\n"
	 "Thaw a container frozen by `vps pause`; its status becomes \"running\".\n"},
	{"spec", cmd_spec, "write a default config.json into a bundle",
	 "Usage: vps spec [--bundle DIR] [--rootless]\n"
	 "\n"
	 "Write a default OCI config.json (equivalent to runc's) into DIR (default .).\n"
	 "Refuses to overwrite an existing config.json.\n"
	 "\n"
	 "  -b, --bundle DIR   bundle directory\n"
	 "      --rootless    a config for running without root (user namespace)\n"},
	{"state", cmd_state, "print the state of a container (JSON)",
	 "Usage: vps state ID\n"
	 "\n"
	 "Print the container's state as runc does: ociVersion, id, pid, status\n"
	 "(creating, created, running, paused or stopped; checked live), bundle,\n"
	 "rootfs, created, annotations, owner.\n"},
	{"stats", cmd_stats, "show live CPU, memory, pids, I/O and PSI of containers",
	 "Usage: vps stats [--json] [--interval DUR] ID...\n"
	 "\n"
	 "A table per container: CPU % over the interval (100% = one CPU), memory use /\n"
	 "limit, pids, bytes read / written and PSI (some avg10 of cpu/memory/io).\n"
	 "\n"
	 "      --json           the same as a JSON array\n"
	 "      --interval DUR   sampling time for CPU % (default 1s)\n"},
	{"update", cmd_update, "change the resource limits of a live container",
	 "Usage: vps update [OPTIONS] ID\n"
	 "       vps update -r FILE ID\n"
	 "\n"
	 "Apply new limits to a created, running or paused container.\n"
	 "\n"
	 "  -r, --resources FILE          an OCI linux.resources JSON object (- for stdin)\n"
	 "      --memory SIZE             memory limit (e.g. 256m, 1g; -1 unlimited)\n"
	 "      --memory-reservation SIZE soft limit\n"
	 "      --memory-swap SIZE        memory+swap limit\n"
	 "      --kernel-memory SIZE      ignored (deprecated)\n"
	 "      --cpu-period N            CFS period (us)\n"
	 "      --cpu-quota N             CFS quota (us; -1 unlimited)\n"
	 "      --cpu-share N             CPU shares (cpu.weight on cgroup v2)\n"
	 "      --cpu-rt-period N         realtime period (us)\n"
	 "      --cpu-rt-runtime N        realtime runtime (us)\n"
	 "      --cpuset-cpus LIST        CPUs allowed (e.g. 0-2,4)\n"
	 "      --cpuset-mems LIST        memory nodes allowed\n"
	 "      --pids-limit N            maximum number of processes (-1 unlimited)\n"
	 "      --blkio-weight N          block I/O weight (10-1000)\n"},
	{"useradd", cmd_useradd, "add a user to a VPS",
	 "Usage: vps useradd NAME USER [OPTIONS]\n"
	 "       vps useradd --bundle DIR USER [OPTIONS]\n"
	 "\n"
	 "Add USER to the VPS's passwd, shadow, group and gshadow, all or none. Without\n"
	 "--gid/--group a group named USER is made. The password stays locked unless\n"
	 "--password-stdin gives one.\n"
	 "\n"
	 "  -b, --bundle DIR      a stopped VPS's bundle instead of NAME\n"
	 "  -u, --uid N           user id (default: next free, 1000..60000)\n"
	 "  -g, --gid N           primary group id (must exist)\n"
	 "      --group G         primary group name (must exist)\n"
	 "      --groups A,B      supplementary groups (must exist)\n"
	 "  -d, --home DIR        home (default /home/USER)\n"
	 "  -s, --shell SH        login shell (default /bin/sh)\n"
	 "  -c, --comment C       GECOS comment\n"
	 "  -r, --system          a system user (ids from 100..999)\n"
	 "  -m, --create-home     make the home directory (mode 0700, owned by USER)\n"
	 "      --password-stdin  read a password from standard input (one line)\n"
	 "      --method M        yescrypt or sha512 for --password-stdin\n"
	 "\n"
	 "The VPS is a container NAME (created or running; its rootfs is found through\n"
	 "the state under --root) or, for a stopped VPS, --bundle DIR (a bundle made by\n"
	 "vps bundle or any OCI bundle). Files are edited from the host under the VPS's\n"
	 "/etc/.pwd.lock; see vps-users(8).\n"},
	{"userdel", cmd_userdel, "remove a user from a VPS",
	 "Usage: vps userdel NAME USER [--remove-home]\n"
	 "       vps userdel --bundle DIR USER [--remove-home]\n"
	 "\n"
	 "Remove USER from all four account files, from every group's member list,\n"
	 "and its own group when no one else uses it.\n"
	 "\n"
	 "  -b, --bundle DIR     a stopped VPS's bundle instead of NAME\n"
	 "  -r, --remove-home    also remove its home (only if owned by USER)\n"
	 "\n"
	 "The VPS is a container NAME (created or running; its rootfs is found through\n"
	 "the state under --root) or, for a stopped VPS, --bundle DIR (a bundle made by\n"
	 "vps bundle or any OCI bundle). Files are edited from the host under the VPS's\n"
	 "/etc/.pwd.lock; see vps-users(8).\n"},
	{"users", cmd_users, "list the users of a VPS",
	 "Usage: vps users NAME [--json]\n"
	 "       vps users --bundle DIR [--json]\n"
	 "\n"
	 "List the VPS's users: name, uid, gid, home, shell, password state (set,\n"
	 "locked or empty) and supplementary groups.\n"
	 "\n"
	 "  -b, --bundle DIR   a stopped VPS's bundle instead of NAME\n"
	 "      --json         a JSON array of objects\n"
	 "\n"
	 "The VPS is a container NAME (created or running; its rootfs is found through\n"
	 "the state under --root) or, for a stopped VPS, --bundle DIR (a bundle made by\n"
	 "vps bundle or any OCI bundle). Files are edited from the host under the VPS's\n"
	 "/etc/.pwd.lock; see vps-users(8).\n"},
};
/* clang-format on */
const unsigned vps_n_commands = sizeof(vps_commands) / sizeof(vps_commands[0]);
