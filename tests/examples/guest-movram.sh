# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the movram example test (needs --mem 2048, movablecore=1G).
#  1. bad parameters are refused with a clear message;
#  2. a random file is written to /dev/movram0 (region A) interleaved with
#     region B, region C and other allocations; region C is discarded (its
#     pages must be freed and read back as zeros) and the others are freed,
#     leaving holes among the disk's pages (fragmentation);
#  3. compaction of the idle disk; then, while a reader checks region A and a
#     writer rewrites region B over and over, rounds of compaction and
#     memory-block offline/online;
#  4. checksums of both regions are compared; pages migrated are reported;
#  5. I/O beyond the end fails; unload is refused while the disk is open,
#     then clean.
# What is expected depends on the backend the driver reports:
#  none: no migration at all; core: movcompat's own compaction
#  (debugfs movcompat-movram/compact) and its memory notifier; any other
#  (aops, mops, carrier): the kernel's compaction and offlining. As test
#  movram-carrier (MCT_TEST) it loads movram with carrier=1.
D=/sys/kernel/debug/movram
DEV=/dev/movram0
MB=${MC_MOVRAM_MB:-16}		# per region; the disk has 3: A file, B writer, C discard
ROUNDS=${MC_MOVRAM_ROUNDS:-3}
PPM=256				# 4 KiB pages per MiB
st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
sha() { sha256sum | cut -d' ' -f1; }
region() { dd if=$DEV bs=1M skip=$1 count=$MB iflag=direct 2>/dev/null | sha; }
sha_b() { if [ $(($1 % 2)) = 0 ]; then echo "$sha_b0"; else echo "$sha_b1"; fi; }	# file b(N%2)
t0=$(date +%s)

# ---- 1. bad input: refused, with a message
refuse() # NAME MESSAGE PARAMS...
{
	_n=$1 _m=$2
	shift 2
	_c=$(dmesg | grep -c "$_m")
	if insmod /modules/movram.ko "$@" 2>/dev/null; then
		rmmod movram
		t_fail "refuse-$_n" "loaded with $*"
	elif [ "$(dmesg | grep -c "$_m")" -gt "$_c" ]; then
		t_pass "refuse-$_n"
	else
		t_fail "refuse-$_n" "refused, but no kernel message '$_m'"
	fi
}
refuse size-0 'size=0' size=0
refuse size-over-ram 'do not fit in RAM' size=64G
refuse size-malformed 'is not a size' size=12abc
refuse count-0 'count=0' count=0
refuse count-malformed 'invalid for parameter' count=two

# ---- 2. load, write the file with fragmentation
# test movram-carrier: the same with the balloon carrier asked for
PARAMS=
[ "${MCT_TEST:-}" = movram-carrier ] && PARAMS=carrier=1
t_load movram size=$((3 * MB))M $PARAMS
[ -d $D ] && [ -b $DEV ] || { t_fail movram-device "no $D or $DEV"; return 0 2>/dev/null || exit 0; }
[ "$(blockdev --getsize64 $DEV)" = $((3 * MB * 1048576)) ] && t_pass disk-size ||
	t_fail disk-size "$(blockdev --getsize64 $DEV) bytes"
backend=$(st backend)
movable=$(st movable)
t_info "backend=$backend movable=$movable index=$(st index) disk=$((3 * MB))M"
case ${MCT_TEST:-} in
*-radix)	# the build with MOVCOMPAT_INDEX=radix: the pre-4.20 page index
	[ "$(st index)" = radix ] && t_pass index-radix || t_fail index-radix "built with MOVCOMPAT_INDEX=radix, but the index is $(st index)" ;;
esac
case $backend in
none) [ "$movable" = 0 ] && t_pass backend-not-movable || t_fail backend-not-movable "backend none but movable=$movable" ;;
*) [ "$movable" = 1 ] && t_pass backend-movable || t_fail backend-movable "backend $backend but movable=$movable" ;;
esac
if [ -n "$PARAMS" ]; then
	[ "$backend" = carrier ] && t_pass carrier-backend || t_fail carrier-backend "asked for the carrier, got backend $backend"
fi
core_compact=/sys/kernel/debug/movcompat-movram/compact
if [ "$backend" = core ]; then
	[ -w $core_compact ] && t_pass core-debugfs || t_fail core-debugfs "no $core_compact"
fi

sha_a=$(t_random_file /tmp/a $MB)
sha_b0=$(t_random_file /tmp/b0 $MB)
sha_b1=$(t_random_file /tmp/b1 $MB)
sha_zero=$(dd if=/dev/zero bs=1M count=$MB 2>/dev/null | sha)
# Fragment: write the disk one MiB of each region at a time with other
# allocations in between, then discard region C and free the others. The
# kernel's compaction only moves pages into partly used pageblocks (a free
# pageblock is never a target), so the holes must be inside the disk's own
# pageblocks. The top memory block is held meanwhile: the allocator hands it
# out first, and it has holes and is never offlined (4.19 WARNs when asked).
t_fill_top_block
i=0
while [ $i -lt $MB ]; do
	dd if=/tmp/a of=$DEV bs=1M skip=$i seek=$i count=1 conv=notrunc oflag=direct 2>/dev/null
	dd if=/tmp/b0 of=$DEV bs=1M skip=$i seek=$((MB + i)) count=1 conv=notrunc oflag=direct 2>/dev/null
	dd if=/tmp/a of=$DEV bs=1M skip=$i seek=$((2 * MB + i)) count=1 conv=notrunc oflag=direct 2>/dev/null
	dd if=/dev/zero of=/tmp/junk.$i bs=64k count=8 2>/dev/null
	i=$((i + 1))
done
rm -f /tmp/junk.*
t_unfill_top_block
pages=$(st pages)
[ "$pages" = $((3 * MB * PPM)) ] && t_pass pages-allocated || t_fail pages-allocated "$pages pages, expected $((3 * MB * PPM))"
[ "$(region 0)" = "$sha_a" ] && t_pass write-read || t_fail write-read "region A reads back wrong"
p0=$(st pages)
blkdiscard -o $((2 * MB * 1048576)) -l $((MB * 1048576)) $DEV
p1=$(st pages)
[ $((p0 - p1)) = $((MB * PPM)) ] && t_pass discard-frees-pages || t_fail discard-frees-pages "pages $p0 -> $p1"
[ "$(region $((2 * MB)))" = "$sha_zero" ] && t_pass discard-reads-zero || t_fail discard-reads-zero "discarded region is not zero"

# ---- 2b. concurrent sub-page writes into the same fresh pages: 8 writers
# of 512-byte O_DIRECT blocks race for each page of the discarded region C,
# so a second bio waits for the page lock while the first one publishes
# the fresh page and makes it movable (movcompat must keep that lock held).
# Every writer writes the same data: the result is known whatever the order.
dd if=/dev/urandom of=/tmp/c bs=1M count=1 2>/dev/null
sha_c=$(sha </tmp/c)
unmov0=$(st unmovable)
bad=0
for _ in 1 2 3; do
	w=1
	while [ $w -le 8 ]; do
		dd if=/tmp/c of=$DEV bs=512 seek=$((2 * MB * 2048)) count=2048 conv=notrunc oflag=direct 2>/dev/null &
		w=$((w + 1))
	done
	wait
	got=$(dd if=$DEV bs=1M skip=$((2 * MB)) count=1 iflag=direct 2>/dev/null | sha)
	[ "$got" = "$sha_c" ] || bad=$((bad + 1))
	blkdiscard -o $((2 * MB * 1048576)) -l 1048576 $DEV
done
[ "$bad" = 0 ] && t_pass subpage-writes-fresh-pages ||
	t_fail subpage-writes-fresh-pages "$bad of 3 rounds of 8 concurrent 512-byte writers read back wrong"
[ "$(st unmovable)" = "$unmov0" ] && t_pass subpage-pages-movable ||
	t_fail subpage-pages-movable "$(($(st unmovable) - unmov0)) fresh pages could not be made movable"

# ---- 3. compaction of the idle disk, then rounds with a reader and a writer
vm0=$(t_vmstat pgmigrate_success)
m0=$(st migrated)
echo 1 >/proc/sys/vm/compact_memory
[ "$backend" = core ] && echo 1 >$core_compact
by_compaction=$(($(st migrated) - m0))
t_info "round 0 (disk idle): compaction migrated $by_compaction"
rm -f /tmp/stop
(
	n=0 bad=0
	while [ ! -e /tmp/stop ]; do
		[ "$(region 0)" = "$sha_a" ] || bad=$((bad + 1))
		n=$((n + 1))
	done
	echo "$n $bad" >/tmp/reader.out
) &
rpid=$!
(
	# each pass writes the other file, then reads it back: a write lost
	# to a page being migrated shows up as a bad pass
	p=1 err=0 bad=0
	while [ ! -e /tmp/stop ]; do
		dd if=/tmp/b$((p % 2)) of=$DEV bs=1M seek=$MB count=$MB conv=notrunc oflag=direct 2>/dev/null || err=$((err + 1))
		[ "$(region $MB)" = "$(sha_b $p)" ] || bad=$((bad + 1))
		echo "$p $err $bad" >/tmp/writer.out
		p=$((p + 1))
	done
) &
wpid=$!

by_offline=0 offlined=0 refused=0 hung=0
r=1
while [ $r -le $ROUNDS ]; do
	m0=$(st migrated)
	echo 1 >/proc/sys/vm/compact_memory
	[ "$backend" = core ] && echo 1 >$core_compact
	m1=$(st migrated)
	by_compaction=$((by_compaction + m1 - m0))
	# offline the 2 blocks holding most of our pages (the next on refusal)
	blocks=$(t_offline_candidates $D/pfns)
	tried=0 done=
	for b in $blocks; do
		f=/sys/devices/system/memory/memory$b/state
		[ -w $f ] && [ "$(cat $f)" = online ] || continue
		tried=$((tried + 1))
		zone=$(t_zone $b)
		# a refusal is the kernel saying no (write error, exit 1); an
		# offline still running after 30 s is a spin, never a refusal
		rc=0
		timeout "$(t_secs 30)" sh -c "echo offline >$f" 2>/dev/null || rc=$?
		if [ $rc = 1 ]; then
			sleep 1
			rc=0
			timeout "$(t_secs 30)" sh -c "echo offline >$f" 2>/dev/null || rc=$?
		fi
		case $rc in
		0)	offlined=$((offlined + 1))
			done="$done memory$b"
			t_online_again $b "$zone" ;;
		1)	refused=$((refused + 1)) ;;
		*)	hung=$((hung + 1))
			t_info "round $r: offline of memory$b still running after 30 s (exit $rc)" ;;
		esac
		[ $tried -ge 4 ] || [ "$(echo $done | wc -w)" -ge 2 ] && break
	done
	m2=$(st migrated)
	by_offline=$((by_offline + m2 - m1))
	t_info "round $r: compaction migrated $((m1 - m0)), offlined${done:- nothing}: migrated $((m2 - m1))"
	r=$((r + 1))
done
vm1=$(t_vmstat pgmigrate_success)
touch /tmp/stop
wait $rpid $wpid

read -r rn rbad </tmp/reader.out
read -r wp werr wbad </tmp/writer.out
t_info "reader: $rn passes, $rbad bad; writer: $wp passes, $werr errors, $wbad bad read-backs; I/O retries on a moved page $(st retries), migrations raced by discard $(st raced)"
[ "$rn" -gt 0 ] && [ "$rbad" = 0 ] && t_pass reader-during-migration || t_fail reader-during-migration "$rbad of $rn passes read wrong data"
[ "$wp" -gt 0 ] && [ "$werr" = 0 ] && [ "$wbad" = 0 ] && t_pass writer-during-migration ||
	t_fail writer-during-migration "of $wp passes $werr failed, $wbad read back wrong data"

# ---- 4. checksums, migration figures
ok=ok
[ "$(region 0)" = "$sha_a" ] || ok=BAD
[ "$(region $MB)" = "$(sha_b "$wp")" ] || ok=BAD
[ $ok = ok ] && t_pass checksums || t_fail checksums "region A or B differs after migration (writer pass $wp)"
t_info "migrated by compaction $by_compaction, by offlining $by_offline ($offlined blocks offlined, $refused refused); pgmigrate_success +$((vm1 - vm0))"
t_info "isolated=$(st isolated) migrated=$(st migrated) putback=$(st putback)"
[ $hung = 0 ] && t_pass offline-never-spins || t_fail offline-never-spins "$hung offline attempts ran for 30 s (killed): the kernel spun on pages nobody moved"
if [ "$backend" = none ]; then
	[ $((by_compaction + by_offline)) = 0 ] && t_pass none-not-migrated || t_fail none-not-migrated "pages moved on backend none?"
else
	if [ "$backend" = core ] || [ $by_compaction -gt 0 ]; then
		[ $by_compaction -gt 0 ] && t_pass migrated-by-compaction || t_fail migrated-by-compaction "compaction moved none of the disk's pages"
	else
		# the kernel picks the pageblocks it compacts (see guest-pages.sh);
		# offlining, checked below, always has to move the pages
		t_info "kernel compaction moved none of the disk's pages in this boot (figure, not a check)"
	fi
	[ $offlined -ge 1 ] && t_pass offline-block || t_fail offline-block "no block holding disk pages could be offlined"
	[ $by_offline -gt 0 ] && t_pass migrated-by-offline || t_fail migrated-by-offline "offlining moved none of the disk's pages"
	if [ "$backend" != core ]; then
		[ $((by_compaction + by_offline)) -le $((vm1 - vm0)) ] && t_pass callbacks-vs-vmstat ||
			t_fail callbacks-vs-vmstat "driver migrated $((by_compaction + by_offline)), pgmigrate_success +$((vm1 - vm0))"
	fi
fi

# ---- 5. beyond the end, unload
end=$((3 * MB * PPM))
if dd if=/tmp/a of=$DEV bs=4096 seek=$end count=1 conv=notrunc oflag=direct 2>/dev/null; then
	t_fail write-beyond-end "a write past the end succeeded"
else
	t_pass write-beyond-end
fi
n=$(dd if=$DEV bs=4096 skip=$end count=1 iflag=direct 2>/dev/null | wc -c)
[ "$n" = 0 ] && t_pass read-beyond-end || t_fail read-beyond-end "read $n bytes past the end"

rm -f /tmp/stop2
(
	exec 3<$DEV
	while [ ! -e /tmp/stop2 ]; do region 0 >/dev/null; done
) &
hpid=$!
sleep 1
if rmmod movram 2>/dev/null; then
	t_fail unload-while-open "rmmod succeeded while the disk was open"
else
	t_pass unload-while-open
fi
touch /tmp/stop2
wait $hpid
[ "$(region 0)" = "$sha_a" ] && t_pass data-after-refused-unload || t_fail data-after-refused-unload "region A changed"
secs=$(($(date +%s) - t0))
t_info "RESULT backend=$backend pages=$(st pages) compaction=$by_compaction offline=$by_offline reader=$rn writer=$wp bad=$((rbad + wbad)) retries=$(st retries) checksums=$ok seconds=$secs"
t_unload movram
grep -q '^movram ' /proc/modules && t_fail unloaded "movram still listed" || t_pass unloaded
