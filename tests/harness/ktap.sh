#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest's output is KTAP that the kernel's own tool reads: two boots of
# the default kernel run tests/harness/guest-ktap.sh (checks passed,
# skipped, with a '#' and a newline in their details) and guest-smoke.sh,
# and `kunit.py parse` (tools/testing/kunit of the newest linux-source the
# cache holds, ci/fetch-source.sh) must read each console as the harness
# did: the same counts of passed, failed and skipped checks, and a failure
# when one check failed on purpose (MC_KTAP_FAIL=1). Rows in
# build/results/tests.tsv (suite "harness", tests ktap-*).
#
# usage: tests/harness/ktap.sh [KEY]   (default: the default kernel)

. "$(dirname "$0")/../../ci/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
mc_kernel "$key"
w=$MC_BUILD/ktap
rm -rf "$w"
mkdir -p "$w" "$MC_RESULTS"
row() { mc_check ktap "$key" "$@"; } # TEST STATUS SECONDS DETAIL

t=$(mc_now)
src=
for v in $(ls -d "$MC_CACHE"/sources/linux-source-* 2>/dev/null | sed 's/.*linux-source-//' | sort -V -r) 7.3; do
	[ -f "$MC_CACHE/sources/linux-source-$v/tools/testing/kunit/kunit.py" ] && { src=$MC_CACHE/sources/linux-source-$v; break; }
	src=$(bash "$MC_CI/fetch-source.sh" "$v" 2>"$w/fetch.log" | tail -n 1)
	[ -f "$src/tools/testing/kunit/kunit.py" ] && break
	src=
done
if [ -z "$src" ]; then
	row ktap-kunit-parse FAIL "$(mc_since "$t")" "no linux-source with tools/testing/kunit/kunit.py (ci/fetch-source.sh 7.3 failed: $(tail -n 1 "$w/fetch.log"))"
	exit 1
fi
kunit() { (cd "$src/tools/testing/kunit" && /usr/bin/python3 kunit.py parse "$@"); }
bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/harness/smoke" "$w/smoke" >"$w/build.log" 2>&1 ||
	{ row ktap-kunit-parse FAIL "$(mc_since "$t")" "building tests/harness/smoke failed (see $w/build.log)"; exit 1; }

# boot NAME FAIL: one boot; prints vm.sh's exit status
boot()
{
	bash "$MC_CI/vm.sh" "$key" --name "ktap-$1" --env "MC_KTAP_FAIL=$2" --module "$w/smoke/mc_smoke.ko" \
		--guest "ktap=$MC_TOP/tests/harness/guest-ktap.sh" \
		--guest "smoke=$MC_TOP/tests/harness/guest-smoke.sh" >"$w/vm-$1.log" 2>&1
	echo $?
}
# parse NAME: kunit.py's verdict line for that boot's console
parse()
{
	kunit "$MC_BUILD/$key/vm-ktap-$1/console.log" >"$w/kunit-$1.log" 2>&1
	echo $?
}

# the harness's counts: 4 + 3 passed, 1 skipped (+ 1 failed)
vrc=$(boot clean 0)
krc=$(parse clean)
got=$(grep -o 'Ran [0-9]* tests: .*' "$w/kunit-clean.log" | tail -n 1 | sed 's/\x1b\[[0-9;]*m//g')
if [ "$vrc" = 0 ] && [ "$krc" = 0 ] && [ "$got" = "Ran 8 tests: passed: 7, skipped: 1" ] &&
   ! grep -q -i 'error\|warning\|crash' "$w/kunit-clean.log"; then
	row ktap-kunit-parse PASS "$(mc_since "$t")" "kunit.py parse ($(basename "$src")): $got, as vm.sh counted"
else
	row ktap-kunit-parse FAIL "$(mc_since "$t")" "vm.sh exit $vrc, kunit.py exit $krc, '$got' (want 'Ran 8 tests: passed: 7, skipped: 1'; see $w/kunit-clean.log)"
fi

t=$(mc_now)
vrc=$(boot failing 1)
krc=$(parse failing)
got=$(grep -o 'Ran [0-9]* tests: .*' "$w/kunit-failing.log" | tail -n 1 | sed 's/\x1b\[[0-9;]*m//g')
if [ "$vrc" = 1 ] && [ "$krc" != 0 ] && [ "$got" = "Ran 9 tests: passed: 7, failed: 1, skipped: 1" ] &&
   grep -q 'ktap	FAIL	4	1' "$MC_BUILD/$key/vm-ktap-failing/tests.tsv"; then
	row ktap-kunit-failure PASS "$(mc_since "$t")" "a failed check: vm.sh exit 1 naming the test, kunit.py exit $krc: $got"
else
	row ktap-kunit-failure FAIL "$(mc_since "$t")" "vm.sh exit $vrc (want 1), kunit.py exit $krc (want non-zero), '$got' (want 'Ran 9 tests: passed: 7, failed: 1, skipped: 1'; see $w/kunit-failing.log)"
fi
exit $MC_CHECK_RC
