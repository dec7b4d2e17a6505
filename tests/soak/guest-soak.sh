# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the soak (make soak; needs --mem 2048, movablecore=1G).
# For MC_SOAK_S seconds, at the same time:
#   - a reader checks region A of /dev/movram0 (a random file);
#   - a writer rewrites region B with one of two random files and reads it
#     back;
#   - a discarder writes region C, reads it back, discards it and reads
#     zeros back (pages allocated and freed all the time);
#   - mc_pool is refilled with a changing number of patterned pages and
#     verified (allocation and release of movable pages);
#   - the main loop compacts (the kernel's compaction, and movcompat's own
#     on the core backend) and offlines/onlines the memory blocks holding
#     most of the driver pages.
# At the end every page is verified, the drivers' page counts must equal
# what was allocated minus what was freed, and the movcompat domain's own
# count (core backend) must equal the driver's. The figures go to the host
# as one "SOAK" info line (ci/soak.sh sums them over the kernels).
# MC_SOAK_CARRIER=1 loads movram with carrier=1 (6.17+).
D=/sys/kernel/debug/movram
P=/sys/kernel/debug/mc_pool
DEV=/dev/movram0
S=${MC_SOAK_S:-60}
MB=${MC_SOAK_MB:-16}		# per region of the disk: A reader, B writer, C discarder
PPM=256
st() { awk -v k="$1" '$1 == k { print $2 }' $D/stats; }
pst() { awk -v k="$1" '$1 == k { print $2 }' $P/stats; }
cst() { awk -v k="$1" '$1 == k { print $2 }' "$2/stats" 2>/dev/null; }
sha() { sha256sum | cut -d' ' -f1; }
region() { dd if=$DEV bs=1M skip=$1 count=$MB iflag=direct 2>/dev/null | sha; }
sha_b() { if [ $(($1 % 2)) = 0 ]; then echo "$sha_b0"; else echo "$sha_b1"; fi; }	# file b(N%2)

params=
[ "${MC_SOAK_CARRIER:-0}" = 1 ] && params=carrier=1
t_load movram size=$((3 * MB))M $params
t_load mc_pool
[ -b $DEV ] && [ -d $P ] || { t_fail soak-setup "no $DEV or $P"; return 0; }
backend=$(st backend)
pbackend=$(pst backend)
t_info "movram backend $backend, mc_pool backend $pbackend, $S s"

sha_a=$(t_random_file /tmp/a $MB)
sha_b0=$(t_random_file /tmp/b0 $MB)
sha_b1=$(t_random_file /tmp/b1 $MB)
sha_c=$(t_random_file /tmp/c $MB)
sha_zero=$(dd if=/dev/zero bs=1M count=$MB 2>/dev/null | sha)
dd if=/tmp/a of=$DEV bs=1M count=$MB oflag=direct 2>/dev/null
dd if=/tmp/b0 of=$DEV bs=1M seek=$MB count=$MB oflag=direct 2>/dev/null

rm -f /tmp/soak-stop
end=$(($(date +%s) + S))
(
	n=0 bad=0
	while [ ! -e /tmp/soak-stop ]; do
		[ "$(region 0)" = "$sha_a" ] || bad=$((bad + 1))
		n=$((n + 1))
		echo "$n $bad" >/tmp/reader.out
	done
) &
(
	p=1 err=0 bad=0
	while [ ! -e /tmp/soak-stop ]; do
		dd if=/tmp/b$((p % 2)) of=$DEV bs=1M seek=$MB count=$MB conv=notrunc oflag=direct 2>/dev/null || err=$((err + 1))
		[ "$(region $MB)" = "$(sha_b $p)" ] || bad=$((bad + 1))
		echo "$p $err $bad" >/tmp/writer.out
		p=$((p + 1))
	done
) &
(
	n=0 err=0 bad=0
	while [ ! -e /tmp/soak-stop ]; do
		dd if=/tmp/c of=$DEV bs=1M seek=$((2 * MB)) count=$MB conv=notrunc oflag=direct 2>/dev/null || err=$((err + 1))
		[ "$(region $((2 * MB)))" = "$sha_c" ] || bad=$((bad + 1))
		blkdiscard -o $((2 * MB * 1048576)) -l $((MB * 1048576)) $DEV || err=$((err + 1))
		[ "$(region $((2 * MB)))" = "$sha_zero" ] || bad=$((bad + 1))
		n=$((n + 1))
		echo "$n $err $bad" >/tmp/discard.out
	done
) &
(
	n=0 err=0 bad=0
	while [ ! -e /tmp/soak-stop ]; do
		for k in 2048 6144 4096 8192 1024; do
			echo $k >$P/fill || err=$((err + 1))
			[ "$(cat $P/verify)" = "pages $k bad 0" ] || bad=$((bad + 1))
			n=$((n + 1))
			echo "$n $err $bad $k" >/tmp/pool.out
			[ -e /tmp/soak-stop ] && break
		done
	done
) &

rounds=0 offlined=0 refused=0 hung=0
cat $D/pfns $P/pfns >/tmp/pfns
while [ "$(date +%s)" -lt $end ]; do
	echo 1 >/proc/sys/vm/compact_memory
	for d in /sys/kernel/debug/movcompat-movram /sys/kernel/debug/movcompat-mc_pool; do
		[ -w $d/compact ] && echo 1 >$d/compact
	done
	cat $D/pfns $P/pfns >/tmp/pfns
	tried=0 n=0
	for b in $(t_blocks_most_first /tmp/pfns); do
		f=/sys/devices/system/memory/memory$b/state
		[ -w $f ] && [ "$(cat $f)" = online ] || continue
		tried=$((tried + 1))
		zone=$(t_zone $b)
		rc=0
		timeout "$(t_secs 30)" sh -c "echo offline >$f" 2>/dev/null || rc=$?
		case $rc in
		0) offlined=$((offlined + 1)); n=$((n + 1)); t_online_again $b "$zone" ;;
		1) refused=$((refused + 1)) ;;
		*) hung=$((hung + 1)); t_info "offline of memory$b still running after 30 s" ;;
		esac
		[ $tried -ge 4 ] || [ $n -ge 2 ] && break
	done
	rounds=$((rounds + 1))
done
touch /tmp/soak-stop
wait

read -r rn rbad </tmp/reader.out
read -r wp werr wbad </tmp/writer.out
read -r dn derr dbad </tmp/discard.out
read -r pn perr pbad pk </tmp/pool.out
[ "$rn" -gt 0 ] && [ "$rbad" = 0 ] && t_pass soak-reader || t_fail soak-reader "$rbad of $rn passes read wrong data"
[ "$wp" -gt 0 ] && [ "$werr" = 0 ] && [ "$wbad" = 0 ] && t_pass soak-writer ||
	t_fail soak-writer "of $wp passes $werr failed, $wbad read back wrong data"
[ "$dn" -gt 0 ] && [ "$derr" = 0 ] && [ "$dbad" = 0 ] && t_pass soak-discard ||
	t_fail soak-discard "of $dn passes $derr failed, $dbad read back wrong data"
[ "$pn" -gt 0 ] && [ "$perr" = 0 ] && [ "$pbad" = 0 ] && t_pass soak-pool ||
	t_fail soak-pool "of $pn refills $perr failed, $pbad verified bad"
[ $hung = 0 ] && t_pass soak-offline-never-spins || t_fail soak-offline-never-spins "$hung offlines ran for 30 s"
[ $offlined -gt 0 ] || [ "$backend" = none ] && t_pass soak-offlined ||
	t_fail soak-offlined "no block could be offlined in $rounds rounds ($refused refused)"

# final state: every page verified, counts = allocated - freed
bad=0
[ "$(region 0)" = "$sha_a" ] || bad=$((bad + MB * PPM))
[ "$(region $MB)" = "$(sha_b "$wp")" ] || bad=$((bad + MB * PPM))
blkdiscard -o $((2 * MB * 1048576)) -l $((MB * 1048576)) $DEV
[ "$(region $((2 * MB)))" = "$sha_zero" ] || bad=$((bad + MB * PPM))
v=$(cat $P/verify)
pbadf=${v##* }
bad=$((bad + pbadf))
[ $bad = 0 ] && t_pass soak-verify || t_fail soak-verify "$bad pages wrong at the end"
lost=0
pages=$(st pages)
[ "$pages" = $((2 * MB * PPM)) ] || lost=$((lost + pages - 2 * MB * PPM))
[ "$(pst pages)" = "$pk" ] || lost=$((lost + $(pst pages) - pk))
for d in movram mc_pool; do
	c=$(cst pages /sys/kernel/debug/movcompat-$d)
	[ -n "$c" ] || continue
	want=$pages
	[ $d = mc_pool ] && want=$(pst pages)
	[ "$c" = "$want" ] || { lost=$((lost + c - want)); t_info "movcompat-$d counts $c pages, the driver $want"; }
done
[ $lost = 0 ] && t_pass soak-counts || t_fail soak-counts "page counts off by $lost (driver vs allocated - freed, movcompat vs driver)"

migrated=$(($(st migrated) + $(pst migrated)))
retried=0
for d in movram mc_pool; do
	c=$(cst retried /sys/kernel/debug/movcompat-$d)
	retried=$((retried + ${c:-0}))
done
errors=$((werr + derr + perr))
t_info "SOAK backend=$backend pool=$pbackend seconds=$S migrated=$migrated rate=$((migrated / S)) io_retries=$(st retries) migrate_retries=$retried errors=$errors bad=$((rbad + wbad + dbad + pbad + bad)) lost=$lost rounds=$rounds offlined=$offlined refused=$refused io=$((rn + wp + dn)) refills=$pn"
echo 0 >$P/fill
t_unload mc_pool
t_unload movram
