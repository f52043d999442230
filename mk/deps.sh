#!/usr/bin/env bash
# Install the Debian packages named in the given lists (one per line, # comments)
# that are not installed yet. Idempotent; says what it installs.
set -euo pipefail
want=()
for f in "$@"; do
	while read -r p _; do
		[ -n "$p" ] && [ "${p#\#}" = "$p" ] && want+=("$p")
	done <"$f"
done
missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#want[@]} packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages (run as root to install): ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages"
