# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the emulator-flake tests (tests/harness/cli-tests.sh): writes
# the report of QEMU TCG's int3 flake into the kernel log, as a kernel that
# no test module has tainted prints it, or (MC_FAKE_TAINT=O) one that an
# out-of-tree module has. No module is loaded.
if [ "${MC_FAKE_TAINT:-}" = O ]; then
	taint='Tainted: G           O'
else
	taint='Not tainted'
fi
echo "<1>Oops: int3: 0000 [#1] SMP NOPTI" >/dev/kmsg
echo "<4>CPU: 0 UID: 0 PID: $$ Comm: sh $taint $(uname -r) #1" >/dev/kmsg
t_pass fake-oops-printed
