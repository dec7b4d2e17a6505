#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's main job (make demo): build the movram example RAM disk for
# the default kernel, boot that kernel under QEMU with the movram guest test
# (a random file on the disk, compaction and memory-block offlining while a
# reader and a writer hit it, checksums compared) and show the result in a
# short table. The guest's console streams only with MOVCOMPAT_QUIET=0.
#
# usage: ci/demo.sh [KERNEL-KEY]     (default: the default kernel, 6.1)
# exit:  0 when the test passed

. "$(dirname "$0")/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
test=movram
mc_kernel "$key"
t=$(mc_now)
MOVCOMPAT_QUIET=${MOVCOMPAT_QUIET:-1} MOVCOMPAT_JOBS=1 \
	bash "$MC_CI/matrix.sh" --kernels "$key" --only "$test"
rc=$?
secs=$(mc_since "$t")

# the console of the boot that ran the test: its boot group's (column 5 of
# tests/vmtests.list), or its own when it boots alone ("-")
group=$(awk -v t="$test" '$1 == t { print $5 }' "$MC_TOP/tests/vmtests.list")
[ -z "$group" ] || [ "$group" = - ] && group=$test
log=$MC_BUILD/$key/vm-$group/console.log
info() { sed -n "s/.*\] *# info: $1//p" "$log" 2>/dev/null | tail -n 1; }
field() { tr ' ' '\n' <<<"$result" | sed -n "s/^$1=//p"; }
result=$(info 'RESULT ')
npass=$(grep -E '\] +ok [0-9]+ ' "$log" 2>/dev/null | grep -c -v -e ' # SKIP' -e "\] ok [0-9]* $test")
nfail=$(grep -E '\] +not ok [0-9]+ ' "$log" 2>/dev/null | grep -c -v "\] not ok [0-9]* $test")

echo
echo "movram demo: a RAM disk whose pages move, on Linux $K_REL"
echo
if [ -z "$result" ]; then
	echo "  the guest reported no result; see ${log:-$MC_BUILD/$key/} and the lines above"
	exit 1
fi
ck=$(field checksums)
[ "$ck" = ok ] && ck="yes (file and writer region identical after migration)" || ck="NO: data differs"
printf '  %-28s %s\n' \
	"backend" "$(field backend)" \
	"pages in the RAM disk" "$(field pages)" \
	"migrated by compaction" "$(field compaction)" \
	"migrated by offlining" "$(field offline)" \
	"meanwhile" "reader $(field reader) passes, writer $(field writer) passes, $(field bad) bad" \
	"checksums OK" "$ck" \
	"seconds" "$(field seconds) in the guest, $secs in all (build and boot)" \
	"checks" "${npass:-0} passed, ${nfail:-0} failed"
echo
echo "  full console: $log"
exit $rc
