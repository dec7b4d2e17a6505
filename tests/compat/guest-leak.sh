# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the destroy-with-pages-left test (a driver bug): mc_pages
# destroys its domain with 256 pages never released, for the carrier and
# for the core. movcompat must say so, and afterwards nothing may reach
# the unloaded module: the kernel's compaction must not crash (a carried
# page still pointing at the module's callbacks), and offlining the blocks
# that held the pages must not spin unless movcompat reported pages it had
# to leave in ZONE_MOVABLE (the carrier's taken-back pages stay there).
case ${MCT_TEST:-} in
leak-core) M=mc_pages_core ;;
*) M=mc_pages ;;
esac
D=/sys/kernel/debug/$M
MEM=/sys/devices/system/memory
for carrier in 0 1; do
	n=leak-carrier$carrier
	t_load_off_top_block $M npages=2048 carrier=$carrier leak=256 || continue
	b=$(awk '$1 == "backend" { print $2 }' $D/stats)
	head -n 256 $D/pfns >/tmp/leaked
	dmesg -c >/dev/null
	t_unload $M
	if dmesg | grep -q "destroyed with 256 pages not released"; then
		t_pass $n-reported
	else
		t_fail $n-reported "no message about the 256 pages left (backend $b)"
	fi
	# pages movcompat says it left in ZONE_MOVABLE (core: could not move
	# out; carrier: taken back from the kernel, still there)
	left=$(dmesg | grep -o -e '[0-9]* of its pages are left in ZONE_MOVABLE' -e '([0-9]* of them in ZONE_MOVABLE' | tr -d '(' | cut -d' ' -f1)
	t_info "$n: backend $b; $(dmesg | grep -e 'took back' -e 'left in ZONE_MOVABLE' | sed 's/^\[[^]]*\] //')"
	# the kernel's compaction must not reach the unloaded module
	echo 1 >/proc/sys/vm/compact_memory
	if [ -n "$left" ] && [ "$left" != 0 ]; then
		t_info "$n: $left leaked pages reported left in ZONE_MOVABLE: their blocks cannot go offline, not tried"
		continue
	fi
	top=$(t_top_block) hung=0 tried=0
	for blk in $(t_blocks_most_first /tmp/leaked); do
		[ "$blk" != "$top" ] || continue
		case $(t_zone $blk) in Movable*) ;; *) continue ;; esac
		tried=$((tried + 1))
		rc=0
		timeout "$(t_secs 20)" sh -c "echo offline >$MEM/memory$blk/state" 2>/dev/null || rc=$?
		case $rc in
		0) t_online_again $blk Movable ;;
		1) ;;
		*) hung=$((hung + 1)); t_info "$n: memory$blk: offline still running after 20 s" ;;
		esac
		[ $tried -ge 2 ] && break
	done
	[ $hung = 0 ] && t_pass $n-offline-never-spins ||
		t_fail $n-offline-never-spins "$hung of $tried offlines of blocks that held the leaked pages spun"
done
