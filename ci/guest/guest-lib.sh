# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for guest test scripts (busybox sh). The guest's output is KTAP
# (Documentation/dev-tools/ktap.rst): /init prints the version and plan
# lines and one subtest per guest script, and each check here prints one
# result line of that subtest, numbered in the order the checks end:
#       ok N NAME [# DETAIL]
#       not ok N NAME # WHY
#       ok N NAME # SKIP WHY
# Notes for the host's report are diagnostic lines, "    # info: TEXT".
# Counts live in files, so checks may run in subshells.

T_DIR=/tmp/mct
mkdir -p $T_DIR
: >$T_DIR/pass
: >$T_DIR/fail
: >$T_DIR/skip
: >$T_DIR/all

# t_ktap RESULT NAME DIRECTIVE DETAIL: one KTAP result line of the running
# subtest (a detail's newlines become blanks: one check, one line)
t_ktap()
{
	echo x >>$T_DIR/all
	_kd=$4
	case $_kd in *'
'*) _kd=$(printf '%s' "$_kd" | tr '\n' ' ') ;; esac
	_kd=${3:+$3 }$_kd
	echo "    $1 $(wc -l <$T_DIR/all) $2${_kd:+ # $_kd}"
}
t_pass() { _kn=$1; shift; t_ktap ok "$_kn" "" "$*"; echo x >>$T_DIR/pass; }
t_fail() { _kn=$1; shift; t_ktap "not ok" "$_kn" "" "$*"; echo x >>$T_DIR/fail; }
# t_skip NAME WHY: a check that cannot run here (counted neither way)
t_skip() { _kn=$1; shift; t_ktap ok "$_kn" SKIP "$*"; echo x >>$T_DIR/skip; }

# t_check NAME CMD...: pass when CMD succeeds.
t_check()
{
	_n=$1
	shift
	if _o=$("$@" 2>&1); then t_pass "$_n"; else t_fail "$_n" "'$*' failed: $_o"; fi
}

# t_chk NAME STATUS WHY: a check from an exit status (0 passes). While
# T_MUTANT names a deliberately broken build (t_mutants), failures are only
# collected: that build must fail some check.
t_chk()
{
	if [ "$2" = 0 ]; then
		[ -n "${T_MUTANT:-}" ] || t_pass "$1"
	elif [ -n "${T_MUTANT:-}" ]; then
		echo "$1" >>$T_DIR/caught
	else
		t_fail "$1" "$3"
	fi
}

# t_mutants RULE:MODULE,... FUNCTION: runs "FUNCTION MODULE" once for each
# deliberately broken build, with T_MUTANT=RULE; each must fail at least
# one t_chk check (check mutation-RULE-caught).
t_mutants()
{
	for _mp in $(echo "$1" | tr , " "); do
		T_MUTANT=${_mp%%:*}
		: >$T_DIR/caught
		"$2" "${_mp#*:}"
		if [ -s $T_DIR/caught ]; then
			t_pass "mutation-$T_MUTANT-caught" "$(tr '\n' ' ' <$T_DIR/caught)"
		else
			t_fail "mutation-$T_MUTANT-caught" "the build broken by rule $T_MUTANT passed every check"
		fi
		T_MUTANT=
	done
}

# t_free_kb: free memory in kB, for leak checks: MemFree plus the pages
# the per-cpu lists hold (freed pages wait there, uncounted by MemFree),
# after dropping caches and shrinking every slab cache (which also empties
# KASAN's quarantine on a debug kernel: 6.12-debug held 26.7 MB back).
t_free_kb()
{
	echo 3 >/proc/sys/vm/drop_caches
	for _s in /sys/kernel/slab/*/shrink; do echo 1 >"$_s"; done 2>/dev/null
	echo $(($(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo) +
		4 * $(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)))
}

# t_meminfo_moved FILE: the /proc/meminfo lines that moved by over 1 MiB
# since FILE was copied from it (where a leak went), as info lines.
t_meminfo_moved()
{
	awk 'NR == FNR { a[$1] = $2; next }
	     ($2 - a[$1] > 1024 || a[$1] - $2 > 1024) { print "    # info: meminfo " $1 " " a[$1] " -> " $2 " kB" }' "$1" /proc/meminfo
}

# t_leak_mark / t_leak_check NAME WHEN: free memory (t_free_kb) now, and
# the check NAME that it did not drop by more than 4 MiB (MC_SLOW times
# that on a debug kernel, whose page_owner and lockdep records grow) since
# the mark: a leak of a test's pages (tens of MiB) is far beyond it. A
# failure prints the meminfo lines that moved. WHEN ends the message.
t_leak_mark()
{
	t_free_kb >$T_DIR/free0
	cp /proc/meminfo $T_DIR/meminfo0
}
t_leak_check()
{
	_f0=$(cat $T_DIR/free0)
	_f1=$(t_free_kb)
	_leak=$([ "$_f1" -ge $((_f0 - 4096 * ${MC_SLOW:-1})) ]; echo $?)
	[ "$_leak" = 0 ] || [ -n "${T_MUTANT:-}" ] || t_meminfo_moved $T_DIR/meminfo0
	t_chk "$1" "$_leak" "free (MemFree + per-cpu lists) $_f0 kB before, $_f1 kB $2"
}

# t_vmstat NAME: a /proc/vmstat counter
t_vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# t_balloon_mark: remember /proc/vmstat's balloon counters; then
# t_balloon_counters NAME INFLATED DEFLATED MIGRATED [WHY]: they moved by
# exactly these since (the balloon core's view against a driver's; WHY
# ends the failure message)
t_balloon_mark()
{
	T_BI0=$(t_vmstat balloon_inflate) T_BD0=$(t_vmstat balloon_deflate)
	T_BM0=$(t_vmstat balloon_migrate)
}
t_balloon_counters()
{
	_inf=$(($(t_vmstat balloon_inflate) - T_BI0))
	_def=$(($(t_vmstat balloon_deflate) - T_BD0))
	_mig=$(($(t_vmstat balloon_migrate) - T_BM0))
	[ "$_inf" = "$2" ] && [ "$_def" = "$3" ] && [ "$_mig" = "$4" ] &&
		t_pass "$1" "vmstat: inflated $_inf, deflated $_def, migrated $_mig" ||
		t_fail "$1" "vmstat: inflated $_inf, deflated $_def, migrated $_mig; expected $2, $3, $4${5:+ ($5)}"
}

# t_load MODULE [PARAMS...]: insmod /modules/MODULE.ko, fail the test if it
# does not load.
t_load()
{
	_m=$1
	shift
	t_check "insmod-$_m" insmod "/modules/$_m.ko" "$@"
}

t_unload() { t_check "rmmod-$1" rmmod "$1"; }

# t_random_file FILE MIB: write MIB MiB of random data to FILE; prints its
# sha256.
t_random_file()
{
	dd if=/dev/urandom of="$1" bs=1M count="$2" 2>/dev/null
	sha256sum <"$1" | cut -d' ' -f1
}

# t_secs N: N seconds, times MC_SLOW on a debug kernel (ci/vm.sh): for the
# guest's own timeouts, never for what a check asserts.
t_secs() { echo $(($1 * ${MC_SLOW:-1})); }

# t_block_pages: 4 KiB pages per memory block (the unit of offlining).
t_block_pages() { echo $(($(printf '%d' 0x"$(cat /sys/devices/system/memory/block_size_bytes)") / 4096)); }

# t_top_block: number of the highest memory block.
t_top_block() { ls -d /sys/devices/system/memory/memory* | sed 's/.*memory//' | sort -n | tail -n 1; }

# t_block_counts PFNS_FILE: "PAGES BLOCK" for each memory block holding the
# pfns listed (one per line), the block with most of them first.
t_block_counts()
{
	awk -v p="$(t_block_pages)" '{ n[int($1 / p)]++ } END { for (b in n) print n[b], b }' "$1" | sort -rn
}

# t_blocks_most_first PFNS_FILE: those memory blocks' numbers, most first.
t_blocks_most_first() { t_block_counts "$1" | awk '{ print $2 }'; }

# t_offline_candidates PFNS_FILE: the same without the top memory block,
# which has holes (QEMU's reserved tail) and never goes offline (4.19 even
# WARNs when asked): the blocks an offlining test may try.
t_offline_candidates() { t_blocks_most_first "$1" | grep -vx "$(t_top_block)"; }

# t_fill_top_block / t_unfill_top_block: hold the top memory block with
# page cache (a tmpfs file of one block's size), and let it go. The
# allocator hands that block out first, and in these guests it has holes:
# it never goes offline (balloon pages sat only there on 6.16, and no
# offlining test could move them). Compaction moves pages towards the top of
# the zone, so a test that compacts before it offlines holds the block until
# then.
t_fill_top_block()
{
	dd if=/dev/zero of=/tmp/fill-top-block bs=1M count=$(($(t_block_pages) / 256)) 2>/dev/null
}
t_unfill_top_block() { rm -f /tmp/fill-top-block; }

# t_load_off_top_block MODULE [PARAMS...]: t_load with the top memory block
# held meanwhile.
t_load_off_top_block()
{
	t_fill_top_block
	t_load "$@"
	t_unfill_top_block
}

# t_offline_one PFNS_FILE: offline the first block of t_offline_candidates
# that goes offline (at most 8 tried; a refusal right after boot can be
# transient: one more try after a pause) and online it again into its
# zone. Sets T_OFFLINED to memoryN, or to nothing when none went.
# shellcheck disable=SC2034 # T_OFFLINED is for the calling script
t_offline_one()
{
	T_OFFLINED=
	_tried=0
	for _b in $(t_offline_candidates "$1"); do
		_f=/sys/devices/system/memory/memory$_b/state
		[ -w $_f ] && [ "$(cat $_f)" = online ] || continue
		_tried=$((_tried + 1))
		_zone=$(t_zone $_b)
		if timeout "$(t_secs 30)" sh -c "echo offline >$_f" 2>/dev/null ||
		   { sleep 1; timeout "$(t_secs 30)" sh -c "echo offline >$_f" 2>/dev/null; }; then
			T_OFFLINED=memory$_b
			t_online_again $_b "$_zone"
			return 0
		fi
		t_info "memory$_b: offline refused, trying the next block"
		[ $_tried -ge 8 ] && break
	done
	return 0
}

# t_zone BLOCK: the zone memory block BLOCK is in while online (valid_zones
# of an online block names exactly that zone), e.g. "Movable" or "Normal".
t_zone() { cat /sys/devices/system/memory/memory$1/valid_zones 2>/dev/null; }

# t_online_again BLOCK ZONE: online memory block BLOCK back into ZONE, the
# zone t_zone named before it was offlined. A plain "online" gives a block
# at the border of ZONE_NORMAL and ZONE_MOVABLE to ZONE_NORMAL: the next
# tests of the boot would then find their pages, and unmovable kernel
# pages, in a block they took for movable (seen on 6.1). Says so when the
# kernel refuses.
t_online_again()
{
	case $2 in
	Movable*) _how=online_movable ;;
	*) _how=online_kernel ;;
	esac
	echo $_how >/sys/devices/system/memory/memory$1/state 2>/dev/null ||
		echo online >/sys/devices/system/memory/memory$1/state 2>/dev/null ||
		{ t_info "memory$1: could not online again ($_how into ${2:-?})"; return 1; }
}

# t_blocks_of PFNS_FILE: "memoryN:PAGES ..." for t_info, most first: where
# a test's pages are.
t_blocks_of()
{
	t_block_counts "$1" | awk '{ printf "%smemory%s:%s", (NR > 1 ? " " : ""), $2, $1 } END { print "" }'
}

# t_abba RUNS CMD A B: benchmark runs of two variants. "CMD A 0" and
# "CMD B 0" warm up (reported, not counted), then RUNS pairs in ABBA order
# (A first in odd runs, B first in even ones), so neither variant always
# runs second. A and B are word lists, CMD's first arguments; the run
# number follows them.
t_abba()
{
	_runs=$1 _cmd=$2 _a=$3 _b=$4
	$_cmd $_a 0
	$_cmd $_b 0
	_i=1
	while [ $_i -le "$_runs" ]; do
		if [ $((_i % 2)) = 1 ]; then
			$_cmd $_a $_i
			$_cmd $_b $_i
		else
			$_cmd $_b $_i
			$_cmd $_a $_i
		fi
		_i=$((_i + 1))
	done
}

# t_now_us: wall clock in microseconds (busybox date has no %N; adjtimex
# has usec). Under the benchmarks' -icount it is guest instruction time.
t_now_us() { adjtimex | awk '/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%.0f\n", s * 1000000 + u }'; }

# t_info TEXT: a figure or note for the host's report (not a check), as a
# KTAP diagnostic line.
t_info() { echo "    # info: $*"; }

t_finish()
{
	# the whole kernel log, whatever the console loglevel let through,
	# for the host's error scan
	echo "MOVCOMPAT-DMESG-BEGIN"
	dmesg
	echo "MOVCOMPAT-DMESG-END"
	echo "MOVCOMPAT-RESULT pass=$(wc -l <$T_DIR/pass) fail=$(wc -l <$T_DIR/fail) skip=$(wc -l <$T_DIR/skip)"
	sync
	poweroff -f
}
