# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the core's unload tests (mc_proto: core backend with fault
# injection; needs --mem 2048 movablecore=1G):
#  1. rmmod while a memory-offline pass holds the module's pages isolated:
#     the pass sleeps (delay_isolated_ms) between isolation and migration,
#     rmmod releases every page meanwhile, and the domain teardown waits for
#     the pass, which must drop the released pages without a callback;
#  2. rmmod while a compaction pass started through debugfs runs: refused
#     (the open debugfs file pins the module), then fine once it ends.
C=/sys/kernel/debug/movcompat-mc_proto
P=/sys/kernel/debug/mc_proto/pfns
cstat() { awk -v k="$1" '$1 == k { print $2 }' $C/stats; }

t_load mc_proto
ppb=$(t_block_pages)
# the top memory block of these guests has holes (it never goes offline):
# move the pages out of it first, then pick the block holding most of them
top=$(t_top_block)
echo "$((top * ppb)) $ppb" >$C/evacuate
b=$(t_blocks_most_first $P | head -n 1)
mem=/sys/devices/system/memory/memory$b
zones=$(cat $mem/valid_zones 2>/dev/null)
t_info "mc_proto pages: $(wc -l <$P), most in memory$b (zones: $zones)"
case $zones in
Movable*) t_pass unload-pages-in-zone-movable ;;
*) t_fail unload-pages-in-zone-movable "memory$b is not in ZONE_MOVABLE ($zones): the core's placement policy did not use it" ;;
esac

echo 3000 >$C/delay_isolated_ms
# shellcheck disable=SC2320 # the echo's status is the write's
(rc=0; echo offline >$mem/state 2>/tmp/offline.err || rc=$?; echo $rc >/tmp/offline.rc) &
sleep 1
if rmmod mc_proto 2>/tmp/rmmod.err; then
	t_pass rmmod-while-pages-isolated
else
	t_fail rmmod-while-pages-isolated "rmmod failed: $(cat /tmp/rmmod.err)"
fi
wait
# the pages the pass held were released meanwhile: nothing of the domain is
# left in the block, so the offline must complete
if [ "$(cat /tmp/offline.rc)" = 0 ] && [ "$(cat $mem/state)" = offline ]; then
	t_pass offline-during-rmmod-completed
else
	t_fail offline-during-rmmod-completed "offline of memory$b exited $(cat /tmp/offline.rc): $(cat /tmp/offline.err 2>/dev/null)"
fi
[ "$(cat $mem/state)" = offline ] && t_online_again $b "$zones"

t_load mc_proto
echo 2000 >$C/delay_isolated_ms
# shellcheck disable=SC2320 # the echo's status is the write's
(rc=0; echo 1 >$C/compact || rc=$?; echo $rc >/tmp/compact.rc) &
sleep 1
if rmmod mc_proto 2>/dev/null; then
	t_fail rmmod-during-compaction-refused "rmmod succeeded while a debugfs compaction pass ran"
else
	t_pass rmmod-during-compaction-refused
fi
wait
[ "$(cat /tmp/compact.rc)" = 0 ] && t_pass compaction-pass-completed ||
	t_fail compaction-pass-completed "compact write exited $(cat /tmp/compact.rc)"
v=$(grep -c FAIL /sys/kernel/debug/mc_proto/results)
[ "$v" = 0 ] || t_fail unload-proto-results "$v protocol tests failed"
t_unload mc_proto
