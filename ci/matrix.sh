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
mc_options "usage: ci/matrix.sh [--kernels KEYS] [--tests FILE] [--build-only] [--only TESTS]" --kernels=kernels --tests=tests_file --build-only!build_only --only=only -- "$@"
[ -z "$only" ] || only=,$only,
keys=$(mc_expand_kernels "$kernels") || exit 64
[ -r "$tests_file" ] || mc_die "test list '$tests_file' not found" 64
mkdir -p "$MC_RESULTS"
summary=$MC_RESULTS/summary.tsv

list_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$tests_file"; }
# a test per row; "group NAME OPTIONS..." rows declare a boot group's
# options once, and the group's tests have "-" in their options column
test_rows() { list_lines | awk '$1 != "group"'; }
mc_t0_check=$(test_rows | awk 'NF < 6 { print NR": "$0; exit }')
[ -z "$mc_t0_check" ] || mc_die "$tests_file: row '$mc_t0_check' has fewer than 6 columns (name guest modules kernels boot options)" 64
declare -A GROUP_OPTS=()
while read -r _ g opts; do
	[ -n "$g" ] || mc_die "$tests_file: a 'group' row without a name (group NAME OPTIONS...)" 64
	[ -z "${GROUP_OPTS[$g]+x}" ] || mc_die "$tests_file: boot group $g is declared twice" 64
	GROUP_OPTS[$g]=$opts
done < <(list_lines | awk '$1 == "group"')
while read -r name _ _ _ group opts; do
	[ "$group" = - ] && continue
	[ -n "${GROUP_OPTS[$group]+x}" ] ||
		mc_die "$tests_file: test $name is in boot group $group, which has no row 'group $group OPTIONS...'" 64
	[ "$opts" = - ] ||
		mc_die "$tests_file: test $name is in boot group $group: its options column must be '-' (the group's options are on its 'group $group' row; got '$opts')" 64
done < <(test_rows)

# applies KERNELS-COLUMN KEY: the test's kernels column names KEY, or is
# "all"; a debug kernel ("BASE-debug") also runs every test of BASE, and the
# tests whose column names "debug" (the debug detectors' own tests).
applies()
{
	[ "$1" = all ] || [[ ",$1," == *",$2,"* ]] && return 0
	[[ "$2" == *-debug ]] || return 1
	[[ ",$1," == *",${2%-debug},"* ]] || [[ ",$1," == *",debug,"* ]]
}

record() # KEY TEST STATUS SECONDS DETAIL
{
	mc_result matrix "$1" "$2" "$3" "$4" "$5"
}

# module_out KEY SPEC: build directory of a module spec (DIR or DIR@VARIANT)
module_out() { echo "$MC_BUILD/$1/$2"; }

# build_module KEY SPEC: build DIR, or DIR with the make arguments of
# VARIANT (a line "VARIANT ARGS..." of DIR/variants)
build_module()
{
	local key=$1 spec=$2 dir=${2%@*} variant='' args=()
	[[ "$spec" == *@* ]] && variant=${spec#*@}
	if [ -n "$variant" ]; then
		read -r -a args < <(awk -v v="$variant" '$1 == v { $1 = ""; print }' "$MC_TOP/$dir/variants" 2>/dev/null)
		grep -q "^${variant}[[:space:]]" "$MC_TOP/$dir/variants" 2>/dev/null ||
			mc_die "module $spec: no variant '$variant' in $dir/variants" 64
	fi
	# the guest gets every test module stripped of its debug info
	# (vm.sh): none is compiled (-g0 after the kernel's -g; -g never
	# changes the code gcc emits), but where the headers have a vmlinux
	# (trixie's): kbuild makes the module's BTF from its debug info
	# then, and pahole fails on a module without any
	[ -e "$(mc_kdir_host "$key")/vmlinux" ] || args+=(KCFLAGS=-g0)
	local t c rc
	t=$(mc_now)
	mc_cpu_ticks c
	bash "$MC_CI/build.sh" "$key" "$MC_TOP/$dir" "$(module_out "$key" "$spec")" -- "${args[@]}"
	rc=$?
	mc_step_done "$key" build "$([ $rc = 0 ] && echo PASS || echo FAIL)" "$spec" "$t" "$c"
	return $rc
}

# boot_group KEY GROUP "TESTS" "MODULE SPECS" "TEST=GUEST..." "OPTIONS":
# one VM boot running the group's guest scripts in order; one record per test
boot_group()
{
	local key=$1 group=$2 tests=$3 mods=$4 guests=$5 opts=$6 d f ok=1 rc
	local kos=() gargs=() t c ts tr seen=" "
	for d in $mods; do
		[[ "$seen" == *" $d "* ]] && continue
		seen+="$d "
		[ "${built[$d]}" = ok ] || ok=0
		for f in "$(module_out "$key" "$d")"/*.ko; do kos+=(--module "$f"); done
	done
	if [ $ok = 0 ]; then
		for t in $tests; do
			record "$key" "$t" FAIL 0 "not run: a module it needs failed to build"
			nfail=$((nfail + 1))
		done
		return
	fi
	for t in $guests; do gargs+=(--guest "$t"); done
	# shellcheck disable=SC2086 # options are word lists by design
	t=$(mc_now)
	mc_cpu_ticks c
	bash "$MC_CI/vm.sh" "$key" --name "$group" "${gargs[@]}" "${kos[@]}" $opts
	rc=$?
	mc_step_done "$key" boot "$([ $rc = 0 ] && echo PASS || echo FAIL)" "$group" "$t" "$c"
	local dir=$MC_BUILD/$key/vm-$group status='' reason='' seconds=0 boots=1
	# shellcheck disable=SC1091
	. "$dir/result.env" 2>/dev/null || { status=FAIL reason="vm.sh exited $rc without a result"; }
	[ "$status" = EARLY_DEATH ] && bootfail=1
	for t in $tests; do
		IFS=$'\t' read -r ts _ _ tr < <(awk -F'\t' -v t="$t" '$1 == t { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$dir/tests.tsv" 2>/dev/null)
		# a boot-level verdict (detector tests) decides when the test has none
		if [ -z "$ts" ] || [ "$ts" = - ]; then
			ts=FAIL tr=$reason
			[ $rc = 0 ] && ts=PASS
		fi
		[ $rc != 0 ] && [ "$ts" = PASS ] && [ "$(wc -w <<<"$tests")" = 1 ] && ts=FAIL tr=$reason
		record "$key" "$t" "$ts" "$seconds" "$tr"
		if [ "$ts" = PASS ]; then npass=$((npass + 1)); else nfail=$((nfail + 1)); fi
	done
	[ "${boots:-1}" -gt 1 ] && record "$key" "$group:retries" INFO 0 "$((boots - 1)) early-boot retries"
}

run_kernel()
{
	local key=$1 fetch=- tool=- build=- boot=- npass=0 nfail=0 t rc
	local name guest mods kern group opts d ok bootfail=0
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

	# build every module (directory or directory@variant) named by an
	# applicable test, once
	declare -A built=()
	build=PASS
	while read -r name guest mods kern group opts; do
		applies "$kern" "$key" || continue
		[ -z "$only" ] || [[ "$only" == *",$name,"* ]] || continue
		for d in ${mods//,/ }; do
			[ -n "${built[$d]:-}" ] && continue
			if [ $tool = PASS ] && build_module "$key" "$d"; then
				built[$d]=ok
			else
				built[$d]=fail
				build=FAIL
			fi
		done
	done < <(test_rows)

	if [ $build_only = 1 ]; then
		while read -r name guest mods kern group opts; do
			applies "$kern" "$key" || continue
			[ -z "$only" ] || [[ "$only" == *",$name,"* ]] || continue
			ok=1
			for d in ${mods//,/ }; do [ "${built[$d]}" = ok ] || ok=0; done
			if [ $ok = 1 ]; then
				record "$key" "build:$name" PASS 0 "built"
				npass=$((npass + 1))
			else
				record "$key" "build:$name" FAIL 0 "module build failed"
				nfail=$((nfail + 1))
			fi
		done < <(test_rows)
	else
		# one boot per group (tests whose boot column is "-" boot alone)
		local groups=() g
		declare -A gtests=() gopts=() gmods=() gguests=()
		while read -r name guest mods kern group opts; do
			applies "$kern" "$key" || continue
			[ -z "$only" ] || [[ "$only" == *",$name,"* ]] || continue
			if [ "$group" = - ]; then
				group=$name
				[ "$opts" = - ] && opts=
			else
				opts=${GROUP_OPTS[$group]}
			fi
			if [ -z "${gtests[$group]+x}" ]; then
				groups+=("$group")
				gtests[$group]=
				gopts[$group]=$opts
			fi
			gtests[$group]+=" $name"
			gmods[$group]+=" ${mods//,/ }"
			gguests[$group]+=" $name=$MC_TOP/$guest"
		done < <(test_rows)
		for g in "${groups[@]}"; do
			boot_group "$key" "$g" "${gtests[$g]}" "${gmods[$g]}" "${gguests[$g]}" "${gopts[$g]}"
		done
	fi
	if [ $build_only = 0 ]; then
		boot=PASS
		[ $bootfail = 1 ] && boot=FAIL
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$fetch" "$tool" "$build" "$boot" \
		"$npass/$((npass + nfail))" "$K_NEED" >>"$summary"
	mc_log "$key" "done" "tests $npass passed, $nfail failed in $(mc_since "$t")s"
	MATRIX_FAILED=$((MATRIX_FAILED + nfail))
}

# Kernels run side by side (MOVCOMPAT_JOBS; default one more than the CPUs,
# as far as memory allows 3 GiB per guest: a TCG guest leaves its core
# partly idle while it sleeps or waits for the host, and on two cores three
# lanes finished the warm matrix in 203 s where two took 242-247 s); each
# writes its summary row and failure count to its own file, gathered in list
# order.
# They start longest first, by the number of tests that apply to them (ties
# in list order): the last to start are short ones, and the lanes end close
# together. (The last run's times ordered worse: a cold run's boots are
# slowed by the builds beside them.)
jobs=${MOVCOMPAT_JOBS:-}
if [ -z "$jobs" ]; then
	jobs=$(($(nproc) + 1))
	memjobs=$(awk '$1 == "MemAvailable:" { print int($2 / (3 * 1024 * 1024)) }' /proc/meminfo)
	[ "${memjobs:-1}" -lt "$jobs" ] && jobs=$memjobs
	[ "$jobs" -ge 1 ] || jobs=1
fi
order=$(for key in $keys; do
	n=0
	while read -r name guest mods kern group opts; do
		applies "$kern" "$key" && n=$((n + 1))
	done < <(test_rows)
	echo "$n $key"
done | sort -s -k1,1 -n -r | awk '{ print $2 }' | paste -sd' ')
mc_log matrix start "kernels: $keys ($jobs at a time; in the order $order)"
for key in $order; do
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
