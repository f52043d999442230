#!/usr/bin/env bash
# timeout: 1800
# The containerd acceptance harness from ../shared/suites/clients, driving the freshly
# built vps through a real containerd (see tests/engines-harness.sh).
exec bash "$(dirname "$0")/../engines-harness.sh" containerd
