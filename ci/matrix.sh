#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the build-and-boot matrix: for each kernel, fetch -> toolchain ->
# build every module the VM tests need -> boot each VM test. Prints a
# progress line per kernel per step, a summary table, and appends one row per
# test to build/results/tests.tsv (suite kernel test status seconds detail).
#
# usage: ci/matrix.sh [--kernels "KEYS|required|optional|all"]
#                     [--tests FILE] [--build-only] [--only TEST[,TEST]]
# exit:  0 when every test passed and every required kernel was available

. "$(dirname "$0")/lib.sh"

kernels=required tests_file=$MC_TOP/tests/vmtests.list build_only=0 only=
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	--tests) tests_file=$2; shift 2 ;;
	--build-only) build_only=1; shift ;;
	--only) only=,$2,; shift 2 ;;
	*) mc_die "unknown option '$1'; usage: ci/matrix.sh [--kernels KEYS] [--tests FILE] [--build-only] [--only TESTS]" 64 ;;
	esac
done
keys=$(mc_expand_kernels "$kernels") || exit 64
[ -r "$tests_file" ] || mc_die "test list '$tests_file' not found" 64
mkdir -p "$MC_RESULTS"
summary=$MC_RESULTS/summary.tsv

test_rows() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$tests_file"; }

applies() # KERNELS-COLUMN KEY
{
	[ "$1" = all ] || [[ ",$1," == *",$2,"* ]]
}

record() # KEY TEST STATUS SECONDS DETAIL
{
	printf 'matrix\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$MC_RESULTS/tests.tsv"
}

run_kernel()
{
	local key=$1 fetch=- tool=- build=- boot=- npass=0 nfail=0 t rc
	local name guest mods kern opts dir d ok bootfail=0 kos
	mc_kernel "$key"
	t=$(mc_now)
	bash "$MC_CI/fetch.sh" "$key"
	rc=$?
	if [ $rc != 0 ]; then
		fetch=UNAVAILABLE
		if [ "$K_NEED" = required ]; then
			record "$key" availability FAIL "$(mc_since "$t")" "required kernel unavailable"
			nfail=1
		else
			record "$key" availability SKIP "$(mc_since "$t")" "optional kernel unavailable"
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$fetch" - - - - "$K_NEED" >>"$summary"
		MATRIX_FAILED=$((MATRIX_FAILED + nfail))
		return
	fi
	fetch=PASS
	if bash "$MC_CI/toolchain.sh" "$key"; then tool=PASS; else tool=FAIL; fi

	# build every module directory named by an applicable test, once
	declare -A built=()
	build=PASS
	while read -r name guest mods kern opts; do
		applies "$kern" "$key" || continue
		[ -z "$only" ] || [[ "$only" == *",$name,"* ]] || continue
		for d in ${mods//,/ }; do
			[ -n "${built[$d]:-}" ] && continue
			if [ $tool = PASS ] && bash "$MC_CI/build.sh" "$key" "$MC_TOP/$d" "$MC_BUILD/$key/$d"; then
				built[$d]=ok
			else
				built[$d]=fail
				build=FAIL
			fi
		done
	done < <(test_rows)

	[ $build_only = 1 ] && boot=-
	while read -r name guest mods kern opts; do
		applies "$kern" "$key" || continue
		[ -z "$only" ] || [[ "$only" == *",$name,"* ]] || continue
		if [ $build_only = 1 ]; then
			ok=1
			for d in ${mods//,/ }; do [ "${built[$d]}" = ok ] || ok=0; done
			if [ $ok = 1 ]; then
				record "$key" "build:$name" PASS 0 "built"
				npass=$((npass + 1))
			else
				record "$key" "build:$name" FAIL 0 "module build failed"
				nfail=$((nfail + 1))
			fi
			continue
		fi
		kos=()
		ok=1
		for d in ${mods//,/ }; do
			[ "${built[$d]}" = ok ] || ok=0
			for f in "$MC_BUILD/$key/$d"/*.ko; do kos+=(--module "$f"); done
		done
		if [ $ok = 0 ]; then
			record "$key" "$name" FAIL 0 "not run: a module it needs failed to build"
			nfail=$((nfail + 1))
			continue
		fi
		[ "$opts" = - ] && opts=
		# shellcheck disable=SC2086 # options are word lists by design
		bash "$MC_CI/vm.sh" "$key" --name "$name" --guest "$MC_TOP/$guest" "${kos[@]}" $opts
		rc=$?
		dir=$MC_BUILD/$key/vm-$name
		# shellcheck disable=SC1091
		. "$dir/result.env" 2>/dev/null || { status=FAIL reason="vm.sh exited $rc without a result"; seconds=0; }
		[ "$status" = EARLY_DEATH ] && bootfail=1
		if [ $rc = 0 ]; then
			record "$key" "$name" PASS "$seconds" "$reason"
			npass=$((npass + 1))
		else
			record "$key" "$name" FAIL "$seconds" "$reason"
			nfail=$((nfail + 1))
		fi
		[ "${boots:-1}" -gt 1 ] && record "$key" "$name:retries" INFO 0 "$((boots - 1)) early-boot retries"
	done < <(test_rows)
	if [ $build_only = 0 ]; then
		boot=PASS
		[ $bootfail = 1 ] && boot=FAIL
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$fetch" "$tool" "$build" "$boot" \
		"$npass/$((npass + nfail))" "$K_NEED" >>"$summary"
	mc_log "$key" done "tests $npass passed, $nfail failed in $(mc_since "$t")s"
	MATRIX_FAILED=$((MATRIX_FAILED + nfail))
}

# Kernels run side by side (MOVCOMPAT_JOBS, default 2: two TCG guests on two
# cores finish about 1.5x sooner than one after the other); each writes its
# summary row and failure count to its own file, gathered in list order.
jobs=${MOVCOMPAT_JOBS:-2}
mc_log matrix start "kernels: $keys ($jobs at a time)"
for key in $keys; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	(
		summary=$MC_RESULTS/.summary-$key
		: >"$summary"
		MATRIX_FAILED=0
		run_kernel "$key"
		echo "$MATRIX_FAILED" >"$MC_RESULTS/.failed-$key"
	) &
done
wait
failed=0
: >"$summary"
for key in $keys; do
	cat "$MC_RESULTS/.summary-$key" >>"$summary" 2>/dev/null
	failed=$((failed + $(cat "$MC_RESULTS/.failed-$key" 2>/dev/null || echo 1)))
	rm -f "$MC_RESULTS/.summary-$key" "$MC_RESULTS/.failed-$key"
done

echo
printf '%-9s %-12s %-10s %-6s %-6s %-7s %s\n' kernel fetch toolchain build boot tests need
printf '%-9s %-12s %-10s %-6s %-6s %-7s %s\n' ------ ----- --------- ----- ---- ----- ----
while IFS=$'\t' read -r k f tc b bo ts n; do
	printf '%-9s %-12s %-10s %-6s %-6s %-7s %s\n' "$k" "$f" "$tc" "$b" "$bo" "$ts" "$n"
done <"$summary"
echo
[ "$failed" = 0 ]
