#!/usr/bin/env bash
# make demo: bring up a demo VPS from the built-in busybox template, show it working, clean up.
set -euo pipefail
echo "demo: not yet available (needs the isolation core and the busybox template)" >&2
exit 1
