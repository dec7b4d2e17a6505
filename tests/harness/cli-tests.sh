#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the harness's own behaviour on bad input and failure: each runs a
# ci/ script the way a user would and checks its exit status and message.
# Appends one row per test to build/results/tests.tsv (suite "harness").

. "$(dirname "$0")/../../ci/lib.sh"

KEY=${1:-$MC_DEFAULT_KERNEL}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect NAME STATUS PATTERN CMD...: CMD must exit with STATUS and print a
# line matching PATTERN (extended regex) on stdout or stderr.
expect()
{
	local name=$1 want=$2 pat=$3 t rc
	shift 3
	t=$(mc_now)
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$pat" "$tmp/out"; then
		mc_result harness "$KEY" "$name" PASS "$(mc_since "$t")" \
			"exit $rc: $(grep -Em1 -- "$pat" "$tmp/out" | cut -c1-120)"
		mc_log "$KEY" cli-test "PASS $name"
	else
		mc_result harness "$KEY" "$name" FAIL "$(mc_since "$t")" \
			"wanted exit $want and /$pat/, got exit $rc: $(tail -n 1 "$tmp/out" | cut -c1-160)"
		mc_log "$KEY" cli-test "FAIL $name (wanted exit $want and /$pat/, got exit $rc)"
		sed 's/^/    /' "$tmp/out" | tail -n 5 >&2
	fi
}

mkdir -p "$MC_RESULTS"
C=$MC_CI

expect unknown-kernel-key 64 "unknown kernel key 'no-such-kernel'" \
	bash "$C/build.sh" no-such-kernel "$MC_TOP/tests/harness/smoke"
expect unknown-kernel-in-KERNELS 64 "unknown kernel key '9.99'" \
	bash "$C/matrix.sh" --kernels "6.1 9.99"
expect unknown-option 64 "unknown option '--bogus'; usage: ci/matrix.sh" \
	bash "$C/matrix.sh" --bogus
expect option-needs-value 64 "option --kernels needs a value; usage: ci/matrix.sh" \
	bash "$C/matrix.sh" --kernels
expect missing-module-dir 64 "module directory '$tmp/nope' does not exist" \
	bash "$C/build.sh" "$KEY" "$tmp/nope"
expect missing-guest-script 64 "guest script '$tmp/nope.sh' does not exist" \
	bash "$C/vm.sh" "$KEY" --guest "$tmp/nope.sh"
expect qemu-timeout 3 "QEMU timeout: guest did not finish within 8s" \
	env MOVCOMPAT_QUIET=1 bash "$C/vm.sh" "$KEY" --name cli-timeout --timeout 8 \
	--guest "$MC_TOP/tests/harness/guest-hang.sh"
# A guest that never reaches /init (here: no /init in the initramfs and a
# kernel that halts on the panic instead of rebooting, as silent as the
# early-boot hangs of 7.x under TCG) is killed at the /init deadline and
# retried, not left to run into the whole timeout
expect vm-init-deadline-retries 4 "no /init after 6s \\(early-boot hang\\) on all 2 boots" \
	env MOVCOMPAT_QUIET=1 MOVCOMPAT_VM_INIT_DEADLINE=6 bash "$C/vm.sh" "$KEY" --name cli-init-hang \
	--timeout 100 --retries 2 --append "rdinit=/no-such-init panic=0" \
	--guest "$MC_TOP/tests/harness/guest-smoke.sh"
# QEMU TCG's int3 flake in a kernel no test module has tainted is retried;
# the same report from a tainted kernel is the test's error, never retried
expect vm-tcg-flake-retried 2 "RETRY 1 of 2: kernel error before any test module was loaded \\(not tainted\\)" \
	env MOVCOMPAT_QUIET=1 bash "$C/vm.sh" "$KEY" --name cli-tcg-flake --retries 2 \
	--guest "$MC_TOP/tests/harness/guest-fake-oops.sh"
expect vm-tainted-oops-not-retried 0 "^one boot: kernel error on console: .*Oops: int3" \
	bash -c 'env MOVCOMPAT_QUIET=1 bash "$1/vm.sh" "$2" --name cli-tcg-tainted --retries 2 --env MC_FAKE_TAINT=O \
		--guest "$3/tests/harness/guest-fake-oops.sh" >"$4/o" 2>&1
		rc=$?; r=$(grep -o "kernel error on console: .*" "$4/o" | tail -n 1)
		[ $rc = 2 ] && ! grep -q RETRY "$4/o" && echo "one boot: $r" ||
		{ echo "exit $rc (want 2), retried: $(grep -c RETRY "$4/o") times (want 0)"; exit 1; }' _ "$C" "$KEY" "$MC_TOP" "$tmp"
# --name names the boot's output directory (build/KEY/vm-NAME), which
# ci/matrix.sh reads a boot group's per-test results from
rm -rf "$MC_BUILD/$KEY/vm-guest-hang"
expect vm-name-is-output-dir 0 "named" \
	bash -c '[ -s "$1/vm-cli-timeout/console.log" ] && [ ! -e "$1/vm-guest-hang" ] && echo named ||
		{ echo "no $1/vm-cli-timeout/console.log: --name was not used"; exit 1; }' _ "$MC_BUILD/$KEY"
# mc_options sets a caller's variable whatever its name, also the names of
# the parser's own work variables
expect options-set-any-variable 0 "^foo bar 1 x y$" \
	bash -c '. "$1/lib.sh"; name="" var="" s=0 specs=(); mc_options u --name=name --var=var --s!s --spec+specs -- \
		--name foo --var bar --s --spec x --spec y; echo "$name $var $s ${specs[*]}"' _ "$C"

# The phase table's CPU seconds: a step's CPU is that of the children the
# caller waited for (a busy child counts, a sleeping one does not)
expect cpu-of-waited-children 0 "^busy [0-9.]+ sleep 0\\.[0-9]$" \
	bash -c '. "$1/lib.sh"; mc_cpu_ticks c; bash -c "i=0; while [ \$i -lt 400000 ]; do i=\$((i + 1)); done"
		mc_cpu_secs b "$c"; mc_cpu_ticks c; sleep 1; mc_cpu_secs s "$c"
		awk -v b="$b" -v s="$s" "BEGIN { exit !(b >= 0.3 && s < 0.2) }" && echo "busy $b sleep $s" ||
		{ echo "busy child $b s, sleeping child $s s of CPU (want >= 0.3 and < 0.2)"; exit 1; }' _ "$C"
# A boot group's options are declared once, on its "group" row
printf 'group g --mem 2048\nt1 tests/harness/guest-smoke.sh tests/harness/smoke all g --mem 1024\n' >"$tmp/opts.list"
expect group-options-once 64 "test t1 is in boot group g: its options column must be '-'" \
	bash "$C/matrix.sh" --kernels "$KEY" --tests "$tmp/opts.list"
printf 't1 tests/harness/guest-smoke.sh tests/harness/smoke all g -\n' >"$tmp/nogroup.list"
expect group-needs-row 64 "test t1 is in boot group g, which has no row 'group g OPTIONS...'" \
	bash "$C/matrix.sh" --kernels "$KEY" --tests "$tmp/nogroup.list"

# A kernel whose packages cannot be had: UNAVAILABLE with the reason; a
# required one fails the run, an optional one does not.
mc_kernel_rows | awk -v k="$KEY" '$1 == k { $1 = "ghost"; $2 = "ghost-" $2; $3 = "0.0.0-0"; $8 = "required"; print }' >"$tmp/req.list"
sed 's/ required / optional /' "$tmp/req.list" >"$tmp/opt.list"
expect unavailable-kernel-reason 2 "ghost +fetch +UNAVAILABLE: .* 0\.0\.0-0 is not in suite" \
	env MOVCOMPAT_KERNEL_LIST="$tmp/req.list" MOVCOMPAT_BUILD="$tmp/b0" bash "$C/fetch.sh" ghost
expect unavailable-required-fails 1 "ghost +UNAVAILABLE .*required" \
	env MOVCOMPAT_KERNEL_LIST="$tmp/req.list" MOVCOMPAT_BUILD="$tmp/b1" \
	bash "$C/matrix.sh" --kernels ghost
expect unavailable-optional-skips 0 "ghost +UNAVAILABLE .*optional" \
	env MOVCOMPAT_KERNEL_LIST="$tmp/opt.list" MOVCOMPAT_BUILD="$tmp/b2" \
	bash "$C/matrix.sh" --kernels ghost

# No package-archive host name may appear in the repository: take the hosts
# from apt's own configuration (never spelled out here) and grep for them.
hosts=$(mc_apt_uris | awk '{ print $2 }' | sed -E 's|^[a-z]+://||; s|/.*||' | sort -u)
hits=
for h in $hosts; do
	hits="$hits$(git -C "$MC_TOP" grep -n -F "$h" -- . 2>/dev/null | head -n 3)"
done
expect no-archive-host-in-repo 0 "clean" \
	bash -c "[ -n '$hosts' ] && [ -z \"\$1\" ] && echo clean || { echo \"hosts: $hosts; hits: \$1\"; exit 1; }" _ "$hits"

# Every environment variable the scripts read, host side (MOVCOMPAT_*) and
# guest side (MC_* of the guest scripts), has its row in
# docs/environment.md.
undoc=$(cd "$MC_TOP" && {
	grep -ohE '\$\{?MOVCOMPAT_[A-Z0-9_]+' ci/*.sh ci/guest/* tests/*/*.sh compat/probe.sh .ci/run
	grep -ohE '\$\(MOVCOMPAT_[A-Z0-9_]+\)|^MOVCOMPAT_[A-Z0-9_]+ *[?:]?=' Makefile compat/movcompat.mk \
		drivers-examples/*/Makefile drivers-examples/*/Kbuild tests/*/*/Kbuild
	grep -ohE '\$\{?MC_[A-Z0-9_]+' ci/guest/* tests/*/guest-*.sh
} 2>/dev/null | grep -oE '(MOVCOMPAT|MC)_[A-Z0-9_]+' | sort -u |
	while read -r v; do grep -q "\`$v\`" docs/environment.md || echo "$v"; done | tr '\n' ' ')
expect env-vars-documented 0 "documented" \
	bash -c '[ -z "$1" ] && echo documented || { echo "not in docs/environment.md: $1"; exit 1; }' _ "$undoc"

# One driver source: no preprocessor conditionals in driver code.
drivers=$(ls "$MC_TOP"/tests/compat/*/*.c "$MC_TOP"/drivers-examples/*/*.c 2>/dev/null)
ifs=$(grep -nE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)' $drivers /dev/null 2>/dev/null | head -n 3)
expect no-if-in-driver-sources 0 "clean" \
	bash -c "[ -n '$drivers' ] && [ -z \"\$1\" ] && echo clean || { echo \"#if in driver code: \$1\"; exit 1; }" _ "$ifs"

# The probe batch (every probe in one translation unit) blames each error
# on its own probe: an error on a probe's line, one inside a kernel macro it
# uses, a header no kernel has, and two probes whose helpers share a name
# (compiled again on their own); the probes after them are unharmed.
mc_kernel "$KEY"
blame=$(MOVCOMPAT_PROBE_CACHE=$tmp/probe-cache mc_in_env "$KEY" env MOVCOMPAT_PROBE_CACHE="$tmp/probe-cache" \
	sh "$MC_TOP/compat/probe.sh" "$(mc_kdir "$KEY")" "$tmp/blame.h" "$K_CC" y "$MC_TOP/tests/probes/blame" >/dev/null 2>&1 &&
	sed -n 's/^#define MOVCOMPAT_HAVE_\(BLAME_[A-Z_]*\) 1.*/\1/p' "$tmp/blame.h" | tr '\n' ' ')
expect probe-batch-blame 0 "right" \
	bash -c '[ "$1" = "BLAME_CLASH_A BLAME_CLASH_B BLAME_ZZ_PRESENT " ] && echo right || { echo "present: $1 (want BLAME_CLASH_A BLAME_CLASH_B BLAME_ZZ_PRESENT)"; exit 1; }' _ "$blame"

# README's performance table comes from make bench's rows: a fixture
# bench.tsv gives the kernels that have figures, in the kernel list's
# order, a compaction whose runs moved unlike amounts is marked, and a
# README without the markers is refused unchanged.
printf '%s\n' '# x' '<!-- bench-table:begin -->' 'old table' '<!-- bench-table:end -->' 'tail' >"$tmp/readme.md"
printf 'core\t6.12\tratio\t1.150\tcore/kernel\ncore\t6.1\tratio\t1.187\tcore/kernel\ncore\t6.1\tratio_init0\t1.262\tcore/kernel\ncompact\t7.3\tcore_pages_per_s\t168400\tpages/s\ncompact\t7.3\tnone_hugepages\t548\thuge pages obtained\ncompact\t7.3\tcore_hugepages\t666\thuge pages obtained\ncompact\t7.3\tratio\tn/a\tno hook\ncompact\t7.3\tcore_pages_moved\t700-30000\tpages\nbench\t-\thost_load\t0.5-1.0\tloadavg\n' >"$tmp/bench.tsv"
expect bench-readme-table 0 "right" bash -c '
	bash "$1/bench-readme.sh" --tsv "$2/bench.tsv" --readme "$2/readme.md" >/dev/null &&
	rows=$(grep "^| [0-9]" "$2/readme.md" | cut -d"|" -f2-3 | tr -s " " | tr "\n" ";") &&
	[ "$rows" = " 6.1 | 1.187 / 1.262 ; 6.12 | 1.150 / - ; 7.3 | - ;" ] &&
	grep -q "^| 7.3 | - | - | - | - | 168 k (uneven runs: 700-30000 pages) / no hook | 548 / 666 / no hook | - |$" "$2/readme.md" &&
	grep -q "host loadavg 0.5-1.0" "$2/readme.md" && ! grep -q "old table" "$2/readme.md" &&
	[ "$(tail -n 1 "$2/readme.md")" = tail ] && echo right || { echo "table: ${rows:-none}"; exit 1; }' _ "$C" "$tmp"
printf '%s\n' '# no markers' >"$tmp/readme2.md"
expect bench-readme-no-markers 1 "has no <!-- bench-table:begin -->" \
	bash "$C/bench-readme.sh" --tsv "$tmp/bench.tsv" --readme "$tmp/readme2.md"
