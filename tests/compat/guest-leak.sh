# SPDX-License-Identifier: GPL-2.0
# Guest side of the destroy-with-pages-left test (a driver bug): mc_pages
# destroys its domain with 256 pages never released, for the carrier and
# for the core. movcompat must say so, and afterwards nothing may reach
# the unloaded module: the kernel's compaction and the offlining of the
# blocks that held the pages must neither crash (a carried page still
# pointing at the module's callbacks) nor spin (a core page left in
# ZONE_MOVABLE, which nothing can move any more).
case ${MCT_TEST:-} in
leak-core) M=mc_pages_core ;;
*) M=mc_pages ;;
esac
D=/sys/kernel/debug/$M
MEM=/sys/devices/system/memory
for carrier in 1 0; do
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
	left=$(dmesg | grep -o '[0-9]* of its pages are left in ZONE_MOVABLE' | cut -d' ' -f1)
	t_info "$n: backend $b; $(dmesg | grep -e 'took back' -e 'left in ZONE_MOVABLE' | sed 's/^\[[^]]*\] //')"
	echo 1 >/proc/sys/vm/compact_memory
	top=$(t_top_block) hung=0 tried=0
	for blk in $(t_blocks_most_first /tmp/leaked); do
		[ "$blk" != "$top" ] || continue
		case $(t_zone $blk) in Movable*) ;; *) continue ;; esac
		tried=$((tried + 1))
		rc=0
		timeout 20 sh -c "echo offline >$MEM/memory$blk/state" 2>/dev/null || rc=$?
		case $rc in
		0) t_online_again $blk Movable ;;
		1) ;;
		*) hung=$((hung + 1)); t_info "$n: memory$blk: offline still running after 20 s" ;;
		esac
		[ $tried -ge 2 ] && break
	done
	if [ "$b" = carrier ] || [ -z "$left" ]; then
		[ $hung = 0 ] && t_pass $n-offline-never-spins ||
			t_fail $n-offline-never-spins "$hung of $tried offlines of blocks that held the leaked pages spun"
	else
		t_info "$n: $left pages reported left in ZONE_MOVABLE: their blocks cannot go offline ($hung of $tried spun)"
	fi
done
