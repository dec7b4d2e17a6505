# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the fault-rate tests (needs --mem 2048, movablecore=1G).
# mc_pages built with fault injection (MC_FAULT_MODULE, default
# mc_pages_faults): a share of the driver's migrate_page calls fail with
# -EAGAIN, -ENOMEM or -EBUSY while its memory blocks are offlined and
# compacted. Asserted each time: the failures happened (injected), the
# pages still moved (the kernel or the core retried), every page that was
# isolated was migrated or put back (nothing stuck isolated), every page
# intact, the counts unchanged. Then every migration fails: the offline
# must end (refused, or cancelled by the timeout's signal:
# MEM_CANCEL_OFFLINE) with the block online and nothing stuck, and a later
# offline must work. Core backend: destination allocations fail too
# (fail_dst_alloc). Last, release and unload: nothing leaked (domain
# counters, /proc/meminfo).
# MC_FAULT_PARAMS: more module parameters (carrier=1: the balloon carrier).
# MC_FAULT_MUTANTS=RULE:MODULE,...: after the real module, each
# deliberately broken build (MOVCOMPAT_BREAK=RULE) runs the same scenario
# and must fail at least one of its checks (mutation-RULE-caught).
M=${MC_FAULT_MODULE:-mc_pages_faults}
N=${MC_FAULT_PAGES:-8192}

# offline_block B SECONDS: offline memory block B within SECONDS; prints
# the exit status (0 done, 1 refused, other: killed by the timeout)
offline_block()
{
	_rc=0
	timeout "$(t_secs "$2")" sh -c "echo offline >/sys/devices/system/memory/memory$1/state" 2>/dev/null || _rc=$?
	echo $_rc
}

# offline_retry B SECONDS: offline_block, once more after a pause when the
# kernel refused (a refusal right after other activity can be transient)
offline_retry()
{
	_rc=$(offline_block "$1" "$2")
	[ "$_rc" = 1 ] && { sleep 1; _rc=$(offline_block "$1" "$2"); }
	echo "$_rc"
}

scenario() # MODULE
{
	m=$1
	D=/sys/kernel/debug/$m
	PRM=/sys/module/$m/parameters
	C=/sys/kernel/debug/movcompat-$m
	st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
	cst() { awk -v k="$1" '$1 == k { print $2 }' $C/stats 2>/dev/null; }
	# chk_balanced NAME: every isolated page was migrated or put back (the
	# carrier's driver never sees an isolation: the kernel isolates and
	# puts back balloon pages itself)
	chk_balanced()
	{
		[ "$backend" = carrier ] && return
		t_chk "$1" "$([ "$(st isolated)" = $(($(st migrated) + $(st putback))) ]; echo $?)" \
			"isolated $(st isolated) != migrated $(st migrated) + put back $(st putback)"
	}
	intact() { [ "$(cat $D/verify)" = "checked $N bad 0" ]; echo $?; }

	t_leak_mark
	# shellcheck disable=SC2086 # MC_FAULT_PARAMS: more parameters
	if ! insmod /modules/$m.ko npages=$N ${MC_FAULT_PARAMS:-}; then
		t_fail "insmod-$m" "could not load $m"
		return
	fi
	backend=$(st backend)
	marked0=$(st marked)
	[ -n "${T_MUTANT:-}" ] || t_info "$m: backend $backend, $N pages"

	# bad input to the fault knobs: refused, the value kept
	if [ -z "${T_MUTANT:-}" ]; then
		r=0
		echo 1001 >$PRM/fail_permille 2>/dev/null && r=1
		echo 7 >$PRM/fail_errno 2>/dev/null && r=1
		echo abc >$PRM/fail_permille 2>/dev/null && r=1
		[ "$(cat $PRM/fail_permille)" = 0 ] || r=1
		t_chk faults-bad-knob-input $r "a bad fail_permille/fail_errno was accepted"
	fi

	for pair in 11:eagain 12:enomem 16:ebusy; do
		e=${pair%%:*} name=${pair#*:}
		echo "$e" >$PRM/fail_errno
		echo 300 >$PRM/fail_permille
		i0=$(st injected) m0=$(st migrated) f0=$(cst failed)
		echo 1 >/proc/sys/vm/compact_memory
		[ -w $C/compact ] && echo 1 >$C/compact
		done_blk=
		for b in $(t_blocks_most_first $D/pfns); do
			f=/sys/devices/system/memory/memory$b/state
			[ -w $f ] && [ "$(cat $f)" = online ] || continue
			zone=$(t_zone $b)
			# (5.10 gives up a whole batch at the first -ENOMEM: slow under load)
			rc=$(offline_retry $b 60)
			if [ "$rc" = 0 ]; then
				done_blk=$b
				t_online_again $b "$zone"
				break
			fi
		done
		echo 0 >$PRM/fail_permille
		t_chk faults-$name-injected $(($(st injected) > i0 ? 0 : 1)) "no migrate_page call failed"
		# moved: an offline completed, or (a loaded host: 5.10 and 6.1 give
		# up a whole batch at the first -ENOMEM and start over) the kernel
		# kept retrying until half of the pages had moved
		moved=$(($(st migrated) - m0))
		t_chk faults-$name-moved "$([ "$moved" -gt 0 ] && { [ -n "$done_blk" ] || [ "$moved" -ge $((N / 2)) ]; }; echo $?)" \
			"offline ${done_blk:-of no block} worked, migrated $moved"
		chk_balanced faults-$name-balanced
		t_chk faults-$name-intact "$(intact)" "$(cat $D/verify)"
		t_chk faults-$name-counts "$([ "$(st marked)" = "$marked0" ] && [ "$(st pages)" = "$N" ]; echo $?)" \
			"marked $(st marked) (was $marked0), pages $(st pages)"
		# the core retries -EAGAIN (up to its pass limit): never a failure
		if [ "$name" = eagain ] && [ -n "$f0" ]; then
			t_chk faults-eagain-retried "$([ "$(cst failed)" = "$f0" ]; echo $?)" \
				"the core gave up on $(($(cst failed) - f0)) pages that failed with -EAGAIN"
		fi
	done

	# every migration fails: the offline ends, refused or cancelled
	echo 16 >$PRM/fail_errno
	echo 1000 >$PRM/fail_permille
	b=$(t_blocks_most_first $D/pfns | head -n 1)
	zone=$(t_zone "$b")
	rc=$(offline_block "$b" 10)
	state=$(cat /sys/devices/system/memory/memory$b/state)
	echo 0 >$PRM/fail_permille
	t_chk faults-all-fail-not-offline "$([ "$rc" != 0 ] && [ "$state" = online ]; echo $?)" \
		"offline exit $rc, block state $state"
	[ "$state" = online ] || t_online_again "$b" "$zone"
	chk_balanced faults-all-fail-balanced
	if [ -r $C/stats ]; then
		t_chk faults-cancel-range-dropped "$([ "$(cst offlining)" = 0 ]; echo $?)" \
			"the core still holds a going-offline range after the offline ended"
	fi
	rc=$(offline_retry "$b" 30)
	t_chk faults-offline-after-cancel "$([ "$rc" = 0 ]; echo $?)" "offline exit $rc"
	[ "$rc" = 0 ] && t_online_again "$b" "$zone"
	t_chk faults-after-cancel-intact "$(intact)" "$(cat $D/verify)"

	# the core's destination allocations fail (the carrier's come from
	# the kernel)
	if [ -w $C/fail_dst_alloc ] && [ "$backend" != carrier ]; then
		d0=$(cst dst_alloc_failed)
		echo 64 >$C/fail_dst_alloc
		echo 1 >$C/compact
		t_chk faults-dst-alloc-failed $(($(cst dst_alloc_failed) > d0 ? 0 : 1)) "no destination allocation failed"
		chk_balanced faults-dst-alloc-balanced
		t_chk faults-dst-alloc-intact "$(intact)" "$(cat $D/verify)"
		echo 0 >$C/fail_dst_alloc
	fi

	# release and unload: nothing leaked
	echo 1 >$D/release
	t_chk faults-released "$([ "$(st marked)" = 0 ]; echo $?)" "the domain still counts $(st marked) pages"
	if rmmod "$m"; then
		t_leak_check faults-no-leak "after unload"
	else
		t_chk faults-unload 1 "rmmod $m failed"
	fi
}

scenario "$M"
t_mutants "${MC_FAULT_MUTANTS:-}" scenario
