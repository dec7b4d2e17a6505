#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Everything CI checks (make test): host packages, the kernel matrix with
# every VM test, the probe table, the harness's own bad-input tests, the
# semantic patches' tests, checkpatch --strict and sparse. Ends with a table of what
# failed and the closing line "N passed, N failed[, N skipped]".
# Results: build/results/tests.tsv (suite kernel test status seconds detail).
# The semantic patches' tests and the lint run beside the matrix at the
# lowest CPU priority (nice 19): the TCG guests leave a core partly idle, and
# the checks use it without slowing the guests. Their output is printed
# after the matrix's. MOVCOMPAT_SERIAL=1 runs everything one after the other.
#
# --kernel-only runs the kernel part alone (the matrix and the probe table):
# what make test-debug runs on the debug kernels.
#
# usage: ci/test.sh [--kernels "KEYS|required|optional|debug|all"] [--kernel-only]

. "$(dirname "$0")/lib.sh"

kernels=required kernel_only=0
mc_options "usage: ci/test.sh [--kernels KEYS] [--kernel-only]" --kernels=kernels --kernel-only!kernel_only -- "$@"
keys=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
: >"$MC_RESULTS/tests.tsv"
: >"$MC_RESULTS/steps.tsv"

deps=--test
[ $kernel_only = 1 ] && deps=
c=''
t=$(mc_now)
mc_cpu_ticks c
bash "$MC_CI/deps.sh" ${deps:+"$deps"} || mc_die "host packages missing; see above"
mc_step_done - deps PASS "ci/deps.sh $deps" "$t" "$c"

# suite SUITE CMD...: run one suite; a suite that fails without recording a
# failure of its own (it died early, e.g. on a missing tool) gets one, so
# it can never end as "0 failed"
suite()
{
	local name=$1 rc t cpu
	shift
	t=$(mc_now) cpu=$(mktemp)
	# its CPU is measured in a subshell of its own: this shell also reaps
	# the static checks that run beside the matrix, and their CPU would
	# count for the suite that was running when they ended
	(
		c='' s=''
		mc_cpu_ticks c
		"$@"
		rc=$?
		mc_cpu_secs s "$c"
		echo "$s" >"$cpu"
		exit $rc
	)
	rc=$?
	mc_step_result - "suite:$name" "$([ $rc = 0 ] && echo PASS || echo FAIL)" "$(mc_since "$t")" "$(basename "$2")" "$(cat "$cpu")"
	rm -f "$cpu"
	if [ $rc != 0 ] && ! awk -F'\t' -v s="$name" '$1 == s && $4 == "FAIL" { f = 1 } END { exit !f }' "$MC_RESULTS/tests.tsv"; then
		mc_result "$name" - suite-exit FAIL 0 "$* exited $rc without recording a failed test; see its output above"
	fi
	return $rc
}
# the semantic patches' tests and the lint, side by side (whatever of them
# is left when the matrix ends then still keeps both cores busy)
static_checks()
{
	local lint_log=$MC_RESULTS/lint.log
	if [ "${MOVCOMPAT_SERIAL:-0}" = 1 ]; then
		suite cocci bash "$MC_CI/cocci-test.sh" --kernels "$kernels"
		suite lint bash "$MC_CI/lint.sh"
		return
	fi
	suite lint bash "$MC_CI/lint.sh" >"$lint_log" 2>&1 &
	suite cocci bash "$MC_CI/cocci-test.sh" --kernels "$kernels"
	wait
	cat "$lint_log"
}
# harness_suites: the harness's own tests, after the matrix (their results
# and the support matrix need its results; the QEMU timeout test must not
# be starved by the matrix's guests)
harness_suites()
{
	suite harness bash "$MC_TOP/tests/harness/cli-tests.sh" "$MC_DEFAULT_KERNEL"
	suite harness bash "$MC_TOP/tests/harness/release-build.sh" $keys
	suite harness bash "$MC_TOP/tests/harness/vendor-build.sh" $keys
	suite harness bash "$MC_TOP/tests/harness/workflow-lint.sh"
	suite harness bash "$MC_TOP/tests/harness/support-matrix-check.sh"
	suite harness bash "$MC_TOP/tests/harness/build-errors.sh"
	suite harness bash "$MC_TOP/tests/harness/dkms.sh"
	# and the suite's own dkms in the chroot of the newest 7.x kernel tested
	dkms_chroot=$(for k in $keys; do mc_kernel "$k"; [ -n "$K_CHROOT_SUITE" ] && [ "$K_LAYOUT" != debug ] && [ "${k%%.*}" = 7 ] && echo "$k"; done | sort -V | tail -n 1)
	[ -z "$dkms_chroot" ] || suite harness bash "$MC_TOP/tests/harness/dkms.sh" "$dkms_chroot"
	suite harness bash "$MC_TOP/tests/harness/sign.sh"
	suite harness bash "$MC_TOP/tests/harness/ktap.sh"
	suite harness bash "$MC_TOP/tests/ported/ported.sh" --kernels "$keys"
	suite harness bash "$MC_TOP/tests/harness/check-tree.sh"
}
if [ $kernel_only = 1 ]; then
	suite matrix bash "$MC_CI/matrix.sh" --kernels "$kernels"
	suite probes bash "$MC_CI/probes.sh" --kernels "$kernels" --check "$MC_TOP/tests/probes/expected.tsv"
elif [ "${MOVCOMPAT_SERIAL:-0}" = 1 ]; then
	suite matrix bash "$MC_CI/matrix.sh" --kernels "$kernels"
	suite probes bash "$MC_CI/probes.sh" --kernels "$kernels" --check "$MC_TOP/tests/probes/expected.tsv"
	harness_suites
	static_checks
else
	slog=$MC_RESULTS/static-checks.log
	mc_log static start "semantic-patch tests and lint run beside the matrix (nice 19); output in $slog, shown after the matrix"
	(
		renice -n 19 -p "$BASHPID" >/dev/null
		static_checks >"$slog" 2>&1
		mc_log static "done" "$(mc_since "$MC_T0")s after the start" 2>>"$slog"
	) &
	spid=$!
	suite matrix bash "$MC_CI/matrix.sh" --kernels "$kernels"
	suite probes bash "$MC_CI/probes.sh" --kernels "$kernels" --check "$MC_TOP/tests/probes/expected.tsv"
	# its QEMU timeout test must not be starved: after the matrix, full priority
	harness_suites
	kill -0 "$spid" 2>/dev/null && mc_log static wait "semantic-patch tests and lint still running"
	wait "$spid"
	echo
	echo "---- semantic-patch tests and lint (ran beside the matrix) ----"
	cat "$slog"
fi

mc_phase_table
mc_report_results
