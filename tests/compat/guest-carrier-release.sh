# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the balloon carrier's release test (6.17+, and 6.0-6.16 with
# the core forced; needs --mem 2048, movablecore=1G): mc_pages_faults
# (mc_pages with fault injection) carries its pages as balloon pages. The
# kernel offlines the memory block holding most of them; the carrier's
# migrate callback makes the kernel wait (fail_migrate: sleep
# delay_isolated_ms, then -EAGAIN) while it holds the block's pages
# isolated, and meanwhile the driver is unloaded, i.e. it releases every
# page, some of them isolated by the kernel. Checks:
#  - rmmod succeeds and the offline completes (no livelock between the
#    kernel's retries and the release);
#  - some pages really were released while the kernel held them isolated
#    (the carrier reports how many), else the test proved nothing (up to
#    three rounds, see attempt below);
#  - no balloon page is left behind (/proc/meminfo "Balloon:", 6.15+);
#  - a clean console (the harness).
M=mc_pages_faults
D=/sys/kernel/debug/$M
C=/sys/kernel/debug/movcompat-$M
MEM=/sys/devices/system/memory

# attempt N: one load / offline / rmmod round. Sets "released" when the
# carrier reported pages released while the kernel held them isolated.
# Every round's rmmod and offline must succeed; the release path only needs
# to be hit in one of them: if a page of busybox itself sits in the block,
# the kernel holds it locked behind the failing balloon pages of its batch,
# the shell stalls until fail_migrate is used up, and rmmod comes after
# the offline instead of during it (seen once on 6.17). The next round uses
# another block.
attempt()
{
	t_load_off_top_block $M npages=16384 carrier=1 || return 1
	[ -d $C ] || { t_fail carrier-release-debugfs "no $C (not a fault-injection build?)"; return 1; }
	backend=$(awk '$1 == "backend" { print $2 }' $D/stats)
	[ "$backend" = carrier ] || { t_fail carrier-release-backend "backend is $backend, not carrier"; return 1; }
	ppb=$(t_block_pages)
	# the ZONE_MOVABLE block with most carried pages: a ZONE_NORMAL block
	# may hold unmovable kernel pages and refuse for reasons of its own
	b=
	for c in $(t_offline_candidates $D/pfns); do
		case $(t_zone $c) in Movable*) b=$c; break ;; esac
	done
	[ -n "$b" ] || { t_fail carrier-release-block "round $1: no carried page in a ZONE_MOVABLE block but the top one: $(t_blocks_of $D/pfns)"; rmmod $M; return 1; }
	n=$(awk -v p="$ppb" -v b="$b" 'int($1 / p) == b' $D/pfns | wc -l)
	t_info "round $1: carried pages: $(wc -l <$D/pfns), $n in memory$b ($(t_zone $b))"
	dmesg -c >/dev/null

	echo 300 >$C/delay_isolated_ms
	echo 20 >$C/fail_migrate
	# shellcheck disable=SC2320 # the echo's status is the write's
	(rc=0; echo offline >$MEM/memory$b/state 2>/tmp/cr-offline.err || rc=$?; echo $rc >/tmp/cr-offline.rc) &
	sleep 1
	t0=$(t_now_us)
	if ! rmmod $M 2>/tmp/cr-rmmod.err; then
		t_fail carrier-rmmod-while-kernel-isolated "round $1: rmmod failed: $(cat /tmp/cr-rmmod.err)"
		wait
		return 1
	fi
	t_info "round $1: rmmod took $((($(t_now_us) - t0) / 1000)) ms"
	wait
	rc=$(cat /tmp/cr-offline.rc)
	if [ "$rc" = 0 ] && [ "$(cat $MEM/memory$b/state)" = offline ]; then
		t_online_again $b Movable
	else
		t_fail carrier-offline-completed "round $1: offline of memory$b exited $rc: $(cat /tmp/cr-offline.err)"
		return 1
	fi
	msg=$(dmesg | grep 'released while the kernel held them isolated')
	[ -n "$msg" ] && released="${msg#*] }"
	return 0
}

released=
round=1
ok=1
while [ $round -le 3 ]; do
	attempt $round || { ok=0; break; }
	[ -n "$released" ] && break
	t_info "round $round: no page was released while the kernel held it isolated; again"
	round=$((round + 1))
done
if [ $ok = 1 ]; then
	t_pass carrier-rmmod-while-kernel-isolated
	t_pass carrier-offline-completed
fi
if [ -n "$released" ]; then
	t_pass carrier-released-while-isolated
	t_info "round $round: $released"
else
	t_fail carrier-released-while-isolated "no page was released while the kernel held it isolated in $((round - ok)) round(s): the test did not exercise that path"
fi
# fold the per-cpu vmstat deltas first: the enqueue and the dequeue of a
# page may have been counted on different CPUs
echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
bal=$(awk '$1 == "Balloon:" { print $2 }' /proc/meminfo)
if [ -z "$bal" ]; then
	t_info "no Balloon: line in /proc/meminfo on this kernel"
elif [ "$bal" = 0 ]; then
	t_pass carrier-no-balloon-pages-left
else
	t_fail carrier-no-balloon-pages-left "/proc/meminfo still counts $bal kB of balloon pages after rmmod"
fi
