# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the harness smoke test: load, read debugfs, unload.
t_load mc_smoke
if grep -q "^movcompat-smoke ok $(uname -r)\$" /sys/kernel/debug/mc_smoke/status; then
	t_pass debugfs-read
else
	t_fail debugfs-read "unexpected: $(cat /sys/kernel/debug/mc_smoke/status 2>&1)"
fi
t_unload mc_smoke
