# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the compat-API test (needs --mem 2048, movablecore=1G):
# load mc_pages, compact fragmented memory, offline memory blocks holding its
# pages, verify every page, check the callback counts against
# /proc/vmstat's pgmigrate_success, unload.
# On the core backend (6.17+, or forced) the kernel never moves the pages:
# compaction is the domain's own (debugfs "compact"), a pfn range is
# evacuated through debugfs "evacuate", offlining goes through the core's
# memory notifier, and the counters are checked against the core's stats
# instead of /proc/vmstat.
# The module is named after the test: pages -> mc_pages, pages-core ->
# mc_pages_core (the build variant with the core forced), pages-core-radix
# -> mc_pages_core_radix (the core on its pre-4.20 radix-tree table);
# pages-carrier is mc_pages asking for the balloon carrier;
# pages-core-carrier is mc_pages_core asking for it (the carrier on
# 6.0-6.16, core forced).
M=mc_$(echo "${MCT_TEST:-pages}" | tr - _)
PARAMS=
case "${MCT_TEST:-}" in
pages-carrier) M=mc_pages PARAMS=carrier=1 ;;
pages-core-carrier) M=mc_pages_core PARAMS=carrier=1 ;;
esac
D=/sys/kernel/debug/$M
C=/sys/kernel/debug/movcompat-$M
stat() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
cstat() { awk -v k="$1" '$1 == k { print $2 }' $C/stats; }

# the kernel says why an offline failed only at debug level
echo 'file memory_hotplug.c +p' >/sys/kernel/debug/dynamic_debug/control 2>/dev/null
# the top block has holes and never goes offline (4.19 even WARNs when it is
# asked to), and carried pages would sit only there: hold it while loading
# and compacting (compaction fills the zone's top first), let it go before
# offlining
t_fill_top_block
t_load $M npages=${MC_NPAGES:-16384} $PARAMS
[ -d $D ] || { t_fail mc_pages-debugfs "no $D"; return 0 2>/dev/null || exit 0; }
backend=$(stat backend)
movable=$(stat movable)
t_info "backend=$backend movable=$movable pages=$(stat pages)"
case ${MCT_TEST:-} in
*-radix)	# built with MOVCOMPAT_INDEX=radix: the core's pre-4.20 table
	[ "$(cstat table)" = radix ] && t_pass table-radix || t_fail table-radix "built with MOVCOMPAT_INDEX=radix, but the core's table is '$(cstat table)'" ;;
esac
t_info "after load: $(t_blocks_of $D/pfns)"
case "$backend" in
aops|mops|core|carrier) [ "$movable" = 1 ] && t_pass backend-movable || t_fail backend-movable "backend $backend but movable=$movable" ;;
none) [ "$movable" = 0 ] && t_pass backend-not-movable || t_fail backend-not-movable "backend none but movable=$movable" ;;
esac
v=$(cat $D/verify)
[ "$v" = "checked $(stat pages) bad 0" ] && t_pass verify-after-load || t_fail verify-after-load "$v"

# 1. compaction on fragmented memory
vm0=$(t_vmstat pgmigrate_success)
bm0=$(t_vmstat balloon_migrate)
m0=$(stat migrated)
# A full compaction (compact_memory) only moves pages below the point where
# its two scanners meet, so whether it picks ours depends on where they
# landed. If it moved none, ask for huge pages: the kernel then compacts
# pageblock by pageblock to build them (the case movable pages exist for).
if [ "$backend" = core ]; then
	echo 1 >$C/compact || t_fail core-compact "write to $C/compact failed"
else
	for round in 1 2 3; do
		echo 1 >/proc/sys/vm/compact_memory
		[ "$(stat migrated)" != "$m0" ] && break
		echo 1000 >/proc/sys/vm/nr_hugepages
		t_info "round $round: compact_memory moved none of ours; built $(cat /proc/sys/vm/nr_hugepages) huge pages"
		echo 0 >/proc/sys/vm/nr_hugepages
		[ "$(stat migrated)" != "$m0" ] && break
	done
fi
m1=$(stat migrated)
vm1=$(t_vmstat pgmigrate_success)
by_compaction=$((m1 - m0))
t_info "compaction: driver migrated $by_compaction, pgmigrate_success +$((vm1 - vm0))"
t_info "after compaction: $(t_blocks_of $D/pfns)"
t_unfill_top_block

ppb=$(t_block_pages)

# 2. offline the memory blocks holding most of our pages (next on EBUSY)
blocks=$(t_offline_candidates $D/pfns)
if [ -z "$blocks" ] && [ "$backend" = core ]; then
	# the core's compaction filled the densest block, and that was the
	# top block (the fill above does not always keep the load out of
	# it), which never goes offline: move the pages out with the core's
	# own evacuation first, so that offlining has a block to try
	top=$(t_top_block)
	echo "$((top * ppb)) $ppb" >$C/evacuate
	t_info "every page in the top block memory$top after compaction: evacuated it first, now $(t_blocks_of $D/pfns)"
	blocks=$(t_offline_candidates $D/pfns)
fi
offlined=0
tried=0
for b in $blocks; do
	f=/sys/devices/system/memory/memory$b/state
	[ -w $f ] || continue
	[ "$(cat $f)" = online ] || continue
	tried=$((tried + 1))
	zone=$(t_zone $b)
	before=$(stat migrated)
	# a refusal can be transient (pages in flight while the range is
	# isolated): one more try after a pause
	if echo offline >$f 2>/dev/null || { sleep 1; echo offline >$f 2>/dev/null; }; then
		offlined=$((offlined + 1))
		t_info "offlined memory$b: driver migrated $(( $(stat migrated) - before ))"
		t_online_again $b "$zone"
		[ $offlined -ge 2 ] && break
	else
		t_info "memory$b: offline refused ($(dmesg | grep -e 'offlining' -e 'movcompat' | tail -n 1 | sed 's/^\[[^]]*\] //')), trying the next block"
	fi
	[ $tried -ge 8 ] && break
done
m2=$(stat migrated)
vm2=$(t_vmstat pgmigrate_success)
bm2=$(t_vmstat balloon_migrate)
by_offline=$((m2 - m1))
t_info "offlining: $offlined blocks, driver migrated $by_offline, pgmigrate_success +$((vm2 - vm1))"

# 3. core only: evacuate the memory block holding most of our pages
# (after offlining: compaction gathers the pages in few blocks, and a
# block that cannot be offlined for the kernel's own reasons should not be
# the only one left holding them)
if [ "$backend" = core ]; then
	b=$(t_blocks_most_first $D/pfns | head -n 1)
	before=$(awk -v p=$ppb -v b=$b 'int($1 / p) == b' $D/pfns | wc -l)
	j0=$(cstat dst_rejected)
	if echo "$((b * ppb)) $ppb" >$C/evacuate; then
		after=$(awk -v p=$ppb -v b=$b 'int($1 / p) == b' $D/pfns | wc -l)
		rej=$(($(cstat dst_rejected) - j0))
		t_info "evacuate memory$b: $before pages before, $after after, $rej destinations rejected"
		[ "$before" -gt 0 ] && [ "$after" = 0 ] && t_pass core-evacuate-range ||
			t_fail core-evacuate-range "memory$b: $before pages before, $after after"
		# a rejected page is held until the pass ends, and so is each
		# moved source: no pfn of the block comes back, so only the
		# pfns that were not ours can have been handed out
		[ $rej -le $((ppb - before)) ] && t_pass core-evacuate-no-reuse ||
			t_fail core-evacuate-no-reuse "memory$b: $rej destinations rejected, more than the $((ppb - before)) pfns not holding our pages: moved sources came back as destinations"
	else
		t_fail core-evacuate-range "write to $C/evacuate refused"
	fi
fi

if [ "$movable" = 1 ]; then
	[ $offlined -ge 1 ] && t_pass offline-block || t_fail offline-block "no block holding $M pages could be offlined ($tried tried)"
	[ $by_offline -gt 0 ] && t_pass migrated-by-offline || t_fail migrated-by-offline "no page migrated by offlining"
	if [ "$backend" = core ]; then
		# the domain's own compaction moves every page: deterministic
		[ $by_compaction -gt 0 ] && t_pass migrated-by-compaction ||
			t_fail migrated-by-compaction "the core's compaction moved none of our pages"
	elif [ $by_compaction -gt 0 ]; then
		t_pass migrated-by-compaction
	else
		# The kernel picks the pageblocks it compacts; in a nearly empty
		# 2 GiB guest it can build every huge page it is asked for without
		# touching ours (seen about one boot in five). Offlining, checked
		# below, always has to move them.
		t_info "kernel compaction moved none of our pages in this boot (figure, not a check)"
	fi
	total=$((m2 - m0))
	if [ "$backend" = core ]; then
		# the core's counters must match the driver's callbacks exactly,
		# and the kernel moved none of our pages itself
		for k in isolated migrated putback; do
			[ "$(cstat $k)" = "$(stat $k)" ] && t_pass core-stats-$k ||
				t_fail core-stats-$k "core says $(cstat $k), driver callbacks $(stat $k)"
		done
		t_info "core: $(tr '\n' ' ' <$C/stats)"
	else
		# every driver-side migration is one kernel migration; the kernel
		# may also have moved other (LRU) pages
		vmd=$((vm2 - vm0))
		[ $total -le $vmd ] && [ $total -gt 0 ] && t_pass callbacks-vs-vmstat ||
			t_fail callbacks-vs-vmstat "driver migrated $total, pgmigrate_success delta $vmd"
	fi
	t_info "isolated=$(stat isolated) migrated=$(stat migrated) putback=$(stat putback)"
	if [ "$backend" = carrier ]; then
		# the balloon core isolates and puts back carried pages itself:
		# the driver sees only migrate_page
		[ "$(stat isolated)" = 0 ] && [ "$(stat putback)" = 0 ] && t_pass carrier-callbacks ||
			t_fail carrier-callbacks "isolate/putback callbacks ran for carried pages"
		# every carried page the kernel moved is a balloon migration in
		# /proc/vmstat, as for any balloon driver
		[ $((bm2 - bm0)) = $((m2 - m0)) ] && t_pass carrier-balloon-migrate-counted ||
			t_fail carrier-balloon-migrate-counted "driver migrated $((m2 - m0)), balloon_migrate +$((bm2 - bm0))"
	else
		[ $(( $(stat migrated) + $(stat putback) )) -le "$(stat isolated)" ] && t_pass isolate-accounting ||
			t_fail isolate-accounting "migrated+putback > isolated"
	fi
else
	[ $by_compaction = 0 ] && [ $by_offline = 0 ] && t_pass none-not-migrated || t_fail none-not-migrated "pages moved on backend none?"
fi
# the carrier's pages are left out of hibernation images: it must refuse
if [ "$backend" = carrier ]; then
	if grep -qw disk /sys/power/state; then
		if echo disk >/sys/power/state 2>/dev/null; then
			t_fail carrier-refuses-hibernation "hibernation went ahead with carried pages"
		elif dmesg | grep -q "refusing to hibernate"; then
			t_pass carrier-refuses-hibernation
		else
			t_fail carrier-refuses-hibernation "hibernation failed, but not because of the carrier"
		fi
	else
		t_fail carrier-refuses-hibernation "no 'disk' in /sys/power/state ($(cat /sys/power/state)): every kernel of the matrix has CONFIG_HIBERNATION, so the guard could not be tested"
	fi
fi
# make_movable keeps the caller's page lock (a waiter never gets it inside)
echo 1 >$D/lockcheck
read -r _ lc_rounds _ lc_dropped <$D/lockcheck
[ "$lc_rounds" = 8 ] && [ "$lc_dropped" = 0 ] && t_pass make-movable-keeps-page-lock ||
	t_fail make-movable-keeps-page-lock "in $lc_rounds rounds a thread waiting for the page lock got it inside make_movable $lc_dropped times"
# kernels whose VM writes PG_isolated non-atomically (probe; 5.10): a
# lock_page() sleeper whose PG_waiters that store erased is never woken
# (the effect, produced on purpose), a movcompat_lock_page() one is
if [ -e $D/lostwake ]; then
	echo plain >$D/lostwake
	read -r _ _ lw_plain <$D/lostwake
	echo movcompat >$D/lostwake
	read -r _ _ lw_mc <$D/lostwake
	[ "$lw_plain" = 0 ] && t_pass lost-wakeup-is-real "lock_page() sleeper not woken after its PG_waiters was erased" ||
		t_fail lost-wakeup-is-real "a lock_page() sleeper was woken although its PG_waiters was erased: the effect the probe guards against is not there"
	[ "$lw_mc" = 1 ] && t_pass lock-page-survives-lost-wakeup ||
		t_fail lock-page-survives-lost-wakeup "a movcompat_lock_page() waiter did not get the page lock within 2 s of its release"
fi
# an atomic caller: movcompat_alloc_page(GFP_ATOMIC) under a spinlock
# (a sleeping allocation inside is a console error on debug kernels)
echo 1 >$D/atomic
read -r _ a_asked _ a_got <$D/atomic
[ "$a_got" -gt 0 ] && t_pass alloc-page-atomic-caller "$a_got of $a_asked" ||
	t_fail alloc-page-atomic-caller "no page for a GFP_ATOMIC caller ($a_got of $a_asked)"
v=$(cat $D/verify)
[ "$v" = "checked $(stat pages) bad 0" ] && t_pass verify-after-migration || t_fail verify-after-migration "$v"
t_info "RESULT pages=$(stat pages) compaction=$by_compaction offline=$by_offline bad=$(echo $v | awk '{ print $4 }')"
t_unload $M
