#!/usr/bin/env bash
# timeout: 1800
# The podman acceptance harness from ../shared/suites/clients, driving the freshly
# built vps through a real podman (see tests/engines-harness.sh).
exec bash "$(dirname "$0")/../engines-harness.sh" podman
