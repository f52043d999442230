#!/usr/bin/env bash
# vps benchmark: vps, crun and runc side by side in one run, interleaved (each
# repetition measures every runtime, in a rotating order), medians and ratios to
# crun. Run through `make bench` (full) or `make bench-smoke` (quick check).
#
#   bench/bench.sh [full|smoke|profile]   (profile: see bench/profile.sh)
#   RUNTIMES="vps crun runc"   which runtimes (default: those found; vps is left
#                              out, with a note, when `vps run` does not work)
#   VPS=PATH                   the vps binary (default ./vps)
#   REPS=N                     repetitions of single-run rows (full 15, smoke 2)
#   BATCH=N                    containers in the back-to-back/parallel rows
#   OUT=DIR                    results (default bench/out)
#   ROWS=REGEX                 only rows whose name matches
#   ROOTS_ON_DISK=1            state roots on /tmp's filesystem instead of a tmpfs
#
# Writes $OUT/samples.tsv (every measurement), $OUT/results.tsv (medians,
# ratios) and $OUT/table.md. Needs root; runs in a private mount namespace whose
# /sys/fs/cgroup holds only the host's v1 hierarchies (see note_cgroups) so the
# three runtimes see one cgroup layout. Cleans up its containers, cgroups and
# state dirs. Must run under a child subreaper (bench.mk uses
# build/tests/subreaper): detached container processes are reaped there.
set -u -o pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
TOP=$PWD
MODE=${1:-full}
B=$TOP/build/bench

# ---- private mount namespace with one cgroup layout for all runtimes ----
if [ -z "${_VPSBENCH_INNER:-}" ]; then
	export _VPSBENCH_INNER=1
	exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
fi
CG_NOTE="cgroup layout as on the host"
if [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ]; then
	# Hybrid host: keep the real v1 hierarchies, drop a cgroup2 "unified" mount
	# (crun 1.8 refuses hybrid hosts whose cgroup2 holds controllers) and stray
	# plain directories other suites left in the tmpfs.
	cgt=$(mktemp -d /tmp/vpsbench-cg.XXXXXX)
	mount -t tmpfs -o mode=0755,size=1m vpsbench-cg "$cgt" || exit 2
	dropped=""
	for d in /sys/fs/cgroup/*; do
		n=${d##*/}
		if [ -L "$d" ]; then cp -P "$d" "$cgt/$n"; continue; fi
		if [ "$(stat -fc %T "$d")" != cgroupfs ]; then dropped+=" $n"; continue; fi
		mkdir -p "$cgt/$n" && mount --bind "$d" "$cgt/$n" || exit 2
	done
	# detach the host's tree first so /proc/self/mountinfo shows only ours
	umount -R -l /sys/fs/cgroup || exit 2
	mount --move "$cgt" /sys/fs/cgroup || exit 2
	rmdir "$cgt"
	CG_NOTE="v1 hierarchies only (private mount namespace; left out:$dropped)"
fi

case $MODE in
profile) REPS=1 BATCH=1 PAR=1 SYSLOOP_N=1000 ;;
smoke) REPS=${REPS:-2} BATCH=${BATCH:-8} PAR=4 SYSLOOP_N=20000 ;;
full) REPS=${REPS:-15} BATCH=${BATCH:-100} PAR=8 SYSLOOP_N=300000 ;;
*) echo "usage: bench.sh [full|smoke|profile]" >&2; exit 2 ;;
esac
OUT=${OUT:-$TOP/bench/out}
ROWS=${ROWS:-.}
VPS=${VPS:-$TOP/vps}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/vpsbench.XXXXXX)
TAG=vb$$ # container id prefix (also names their cgroups)
LOG=$OUT/bench.log
[ "$MODE" = profile ] && LOG=$OUT/profile.log
: >"$LOG"
SAMPLES=$OUT/samples.tsv
[ "$MODE" = profile ] && SAMPLES=$WORK/samples.tsv # keep the last measured run's files
printf 'row\truntime\trep\twall_us\tuser_us\tsys_us\tmaxrss_kb\tfailed\textra\n' >"$SAMPLES"
source "$TOP/bench/lib.sh"

trap cleanup EXIT
trap 'exit 130' INT TERM
setup_bundles
pick_runtimes
echo "# bench $MODE: runtimes: ${RTS[*]}; reps $REPS, batch $BATCH; $CG_NOTE" | tee -a "$LOG"
[ ${#NOTES[@]} -gt 0 ] && printf '# note: %s\n' "${NOTES[@]}" | tee -a "$LOG"

if [ "$MODE" = profile ]; then
	profile_runtimes
	exit 0
fi
row_run run "$WORK/b-true"
row_run run-seccomp "$WORK/b-seccomp"
row_run run-limits "$WORK/b-limits"
row_lifecycle
row_exec
row_batch "run-x$BATCH" 1
row_batch "run-x$BATCH-par$PAR" "$PAR"
row_syscalls
row_floors
row_sizes

summarize
echo "# wrote $OUT/results.tsv $OUT/samples.tsv $OUT/table.md"
[ "$FAILS" = 0 ] || { echo "# $FAILS measurement(s) failed; see $LOG"; exit 1; }
