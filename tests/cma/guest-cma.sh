# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the CMA tests (kernels with CONFIG_DMA_CMA, booted with
# cma=384M --mem 1024): mc_cma takes the whole default CMA area in 8 MiB
# chunks, so the kernel must migrate every page out of it.
#  0. empty area: mc_cma takes it all; this is the baseline and tells where
#     the area is (the chunks' pfns);
#  1. carrier (mc_pages carrier=1): enough pages that some land in the CMA
#     area (checked: otherwise the test would prove nothing), then the
#     whole area is taken again: the kernel moved the carried pages out of
#     it through the balloon callbacks; every page verified;
#  2. core (mc_pages, no carrier: the core backend on these kernels): its
#     placement policy must keep every page out of CMA, and the whole area
#     can still be taken;
#  3. carrier, driver bug: mc_pages destroys its domain with every page
#     still carried (leak=); movcompat must take them back and move the
#     ones in the area out of it (nothing could move them later), so the
#     whole area can be taken after the unload.
D=/sys/kernel/debug/mc_pages
X=/sys/kernel/debug/mc_cma
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

t_load mc_cma
take=$(cat $X/take)
full=$(echo "$take" | awk 'NR == 1 { print $2 }')
echo "$take" | awk 'NR > 1' >/tmp/cma.ranges
echo 1 >$X/release
if [ "${full:-0}" -gt 0 ]; then
	t_pass cma-baseline "empty area: $full chunks of 8 MiB ($(meminfo CmaTotal) kB CMA)"
else
	t_fail cma-baseline "could not take any chunk of an empty CMA area (booted without cma=?): $take"
fi

# pages of mc_pages inside the area (chunks are 256-page aligned: CMA
# aligns them to min(order, CONFIG_CMA_ALIGNMENT = 8))
in_cma() { awk 'FNR == NR { for (g = $1 / 256; g < ($1 + $2) / 256; g++) cma[g] = 1; next }
	(int($1 / 256) in cma) { c++ }
	END { print c + 0 }' /tmp/cma.ranges $D/pfns; }

# The allocator turns to CMA for movable pages once the CMA area holds over
# half of the free memory: allocate that far plus 96 MiB (about half of it
# lands in CMA), which leaves room outside CMA to move those pages to.
free=$(meminfo MemFree) cma=$(meminfo CmaFree)
npages=$(((free - 2 * cma) / 4 + 96 * 256))
half=$(($(meminfo MemTotal) / 8 - 64))
[ $npages -gt $half ] && npages=$half
t_info "MemFree $free kB, CmaFree $cma kB: $npages pages"

phase() # NAME PARAMS...
{
	name=$1
	shift
	t_load mc_pages npages=$npages fragment=0 "$@"
	[ -d $D ] || return 0
	backend=$(awk '$1 == "backend" { print $2 }' $D/stats)
	before=$(in_cma)
	t_info "$name: backend $backend, $npages pages, $before in the CMA area, CmaFree $(meminfo CmaFree) kB"
	take=$(cat $X/take)
	got=$(echo "$take" | awk 'NR == 1 { print $2 }')
	after=$(in_cma)
	t_info "$name: took $got of $full chunks; pages left in the area: $after"
	if [ "$name" = carrier ]; then
		[ "$before" -gt 0 ] && t_pass cma-carrier-pages-in-area ||
			t_fail cma-carrier-pages-in-area "no carried page landed in the CMA area: nothing to prove"
	else
		[ "$before" = 0 ] && t_pass cma-core-placement-outside-cma ||
			t_fail cma-core-placement-outside-cma "$before pages of the core (which the kernel cannot move) sit in the CMA area"
	fi
	[ "$got" = "$full" ] && [ "$after" = 0 ] && t_pass "cma-$name-area-taken" ||
		t_fail "cma-$name-area-taken" "took $got of $full chunks, $after pages still in the area"
	echo 1 >$X/release
	v=$(cat $D/verify)
	[ "$v" = "checked $npages bad 0" ] && t_pass "cma-$name-verify" || t_fail "cma-$name-verify" "$v"
	t_unload mc_pages
}
phase carrier carrier=1
phase core

# 3. destroy with every carried page left (a driver bug)
t_load mc_pages npages=$npages fragment=0 carrier=1 leak=$npages
if [ -d $D ]; then
	before=$(in_cma)
	dmesg -c >/dev/null
	t_unload mc_pages
	said=$(dmesg | grep -o 'took back.*')
	t_info "carrier-leak: $before of $npages leaked pages in the area; movcompat: $said"
	[ "$before" -gt 0 ] && echo "$said" | grep -q 'and moved them out of ZONE_MOVABLE and CMA' &&
		t_pass cma-carrier-leak-moved-out ||
		t_fail cma-carrier-leak-moved-out "$before leaked pages were in the area; movcompat said: ${said:-nothing}"
	take=$(cat $X/take)
	got=$(echo "$take" | awk 'NR == 1 { print $2 }')
	[ "$got" = "$full" ] && t_pass cma-carrier-leak-area-taken ||
		t_fail cma-carrier-leak-area-taken "took $got of $full chunks after the unload"
	echo 1 >$X/release
fi
t_unload mc_cma
