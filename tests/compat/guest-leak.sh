# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the destroy-with-pages-left test (a driver bug): mc_pages
# destroys its domain with 256 pages never released, for the carrier and
# the core (leak, leak-core) and for the native backends (leak-native). movcompat must say so, and afterwards nothing may reach
# the unloaded module: the kernel's compaction must not crash (a carried
# page still pointing at the module's callbacks). Nothing can move the
# leaked pages once the domain is gone, so movcompat must have moved them
# out of ZONE_MOVABLE and CMA while the driver's callbacks still existed
# (core: a pass of its own; carrier: the pages taken back from the
# kernel), and offlining the blocks that held them must not spin.
ROUNDS="0 1"
case ${MCT_TEST:-} in
leak-core) M=mc_pages_core ;;
leak-native) M=mc_pages ROUNDS=0 ;;	# carrier=1 changes nothing there
*) M=mc_pages ;;
esac
D=/sys/kernel/debug/$M
MEM=/sys/devices/system/memory
for carrier in $ROUNDS; do
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
	# movcompat must say it moved every leaked page out (core: "moved the
	# pages left in it out of ..."; carrier: "took back N ... and moved
	# them out of ...")
	said=$(dmesg | grep -e 'took back' -e ZONE_MOVABLE | sed 's/^\[[^]]*\] //')
	t_info "$n: backend $b; $said"
	case $said in
	*"and moved them out of ZONE_MOVABLE and CMA"* | *"pages left in it out of ZONE_MOVABLE and CMA"*)
		t_pass $n-moved-out ;;
	*)	t_fail $n-moved-out "no leaked page may stay in ZONE_MOVABLE or CMA; movcompat said: ${said:-nothing}" ;;
	esac
	# the kernel's compaction must not reach the unloaded module
	echo 1 >/proc/sys/vm/compact_memory
	hung=0 tried=0
	for blk in $(t_offline_candidates /tmp/leaked); do
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
