# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The unload test against a deliberately broken core (MOVCOMPAT_BREAK=
# teardown: the domain teardown does not unregister the memory notifier, so
# it does not wait for a running offline pass). rmmod while that pass holds
# the pages isolated must then crash the kernel when the pass wakes up in
# the unloaded module: this boot passes only if the console shows it
# (--expect-console-error), which proves tests/core/guest-unload.sh can fail.
# The crashed offline task keeps the hotplug locks, so the guest cannot
# power off: the row's short --timeout ends the boot, and the console error,
# found first, is its verdict.
M=mc_proto_brk_teardown
C=/sys/kernel/debug/movcompat-$M
P=/sys/kernel/debug/$M/pfns

t_load $M
ppb=$(t_block_pages)
# the top memory block of these guests has holes (it never goes offline):
# move the pages out of it first, then pick the block holding most of them
top=$(t_top_block)
echo "$((top * ppb)) $ppb" >$C/evacuate
b=$(t_blocks_most_first $P | head -n 1)
echo 3000 >$C/delay_isolated_ms
(echo offline >/sys/devices/system/memory/memory$b/state) 2>/dev/null &
sleep 1
t_info "before rmmod: $(tr "\n" " " <$C/stats)"
rmmod $M && t_info "$M unloaded while its offline pass sleeps with pages isolated"
# the pass wakes 3 s after it started, in the unloaded module; the task
# offlining the block dies with it, so do not wait for it
sleep 4
