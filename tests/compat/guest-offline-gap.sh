# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the alloc -> make_movable gap test (needs --mem 2048,
# movablecore=1G). mc_pages (gap=512) holds 512 pages of
# movcompat_alloc_page() that it has not made movable yet, as a driver does
# between its allocation and its make_movable, when a ZONE_MOVABLE block
# holding them starts going offline: the evacuation at MEM_GOING_OFFLINE
# cannot see them and the kernel cannot move them, so the offline waits
# (checked: otherwise the pages were not in its way and the test proves
# nothing). Then the driver makes them movable, and the offline must
# complete within 30 s: the core evacuates pages that enter the
# going-offline range (at once, then every 20 ms); the carrier (carrier=1)
# hands them to the kernel, which moves balloon pages itself. Every page
# verifies afterwards.
case ${MCT_TEST:-} in
*-core) M=mc_pages_core ;;
*) M=mc_pages ;;
esac
D=/sys/kernel/debug/$M
MEM=/sys/devices/system/memory
NPAGES=2048 GAP=512

round() # NAME [PARAMS...]
{
	n=$1
	shift
	t_load_off_top_block $M npages=$NPAGES gap=$GAP "$@" || return
	t_fill_top_block	# it never goes offline: keep the held pages out of it
	echo hold >$D/gap
	t_unfill_top_block
	cat $D/gap >/tmp/held
	b=$(awk '$1 == "backend" { print $2 }' $D/stats)
	held=$(wc -l </tmp/held) blk=
	for x in $(t_offline_candidates /tmp/held); do
		case $(t_zone "$x") in Movable*) blk=$x; break ;; esac
	done
	if [ -z "$blk" ]; then
		t_fail "$n-held-in-movable" "backend $b: none of the $held held pages is in a ZONE_MOVABLE block ($(t_blocks_of /tmp/held))"
		echo movable >$D/gap
		t_unload $M
		return
	fi
	inblk=$(t_block_counts /tmp/held | awk -v b="$blk" '$2 == b { print $1 }')
	t_pass "$n-held-in-movable" "backend $b: $inblk of $held held pages in memory$blk"
	rm -f /tmp/offline.rc
	sh -c "echo offline >$MEM/memory$blk/state; echo \$? >/tmp/offline.rc" 2>/dev/null &
	pid=$!
	sleep 2
	if [ -e /tmp/offline.rc ]; then
		t_fail "$n-offline-waits" "memory$blk: the offline ended (exit $(cat /tmp/offline.rc)) while $inblk pages were held unmovable in it"
	else
		t_pass "$n-offline-waits"
	fi
	echo movable >$D/gap
	i=0
	while [ ! -e /tmp/offline.rc ] && [ $i -lt "$(t_secs 30)" ]; do
		sleep 1
		i=$((i + 1))
	done
	if [ ! -e /tmp/offline.rc ]; then
		kill "$pid" 2>/dev/null	# the signal ends the kernel's offline loop
		wait "$pid"
		t_fail "$n-offline-completes" "memory$blk: offline still running $i s after the held pages were made movable"
	elif [ "$(cat /tmp/offline.rc)" = 0 ]; then
		t_pass "$n-offline-completes" "memory$blk offline ${i} s after make_movable"
		t_online_again "$blk" Movable
	else
		t_fail "$n-offline-completes" "memory$blk: offline failed (exit $(cat /tmp/offline.rc))"
	fi
	v=$(cat $D/verify)
	[ "$v" = "checked $((NPAGES + held)) bad 0" ] && t_pass "$n-verify" || t_fail "$n-verify" "$v"
	t_unload $M
}

round gap
round gap-carrier carrier=1
