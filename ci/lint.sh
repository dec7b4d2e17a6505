#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: movcompat's own C code against the kernel's rules.
#  1. checkpatch.pl --strict (from Debian's linux-source-6.1, via
#     ci/fetch-source.sh) over include/, compat/ (with the probes),
#     tests/compat/, tests/core/, tests/bench/, tests/cma/ and drivers-examples/.
#  2. shellcheck (warnings and errors) over every shell script of ci/,
#     .ci/ and the guest scripts of tests/.
#  3. prototypes: every function declared in include/movcompat/ and
#     compat/*.h has a definition in include/movcompat/ or compat/
#     (universal-ctags): a declaration nobody defines compiles until the
#     first caller, then fails at modpost on one kernel only.
#  4. sparse (C=2) while building every module directory of tests/compat/,
#     tests/core/, tests/bench/, tests/cma/ and drivers-examples/ with ci/build.sh, for the default
#     kernel 6.1 (mops backend) and 5.10 (the aops backend's code is only
#     compiled there); any sparse warning in movcompat's own files fails.
# Each tool is first shown a known-bad sample and must complain about it
# (a lint that cannot fail proves nothing).
#
# usage: ci/lint.sh [--kernels "KEYS"]   (host-built kernels; default "6.1 5.10")
# Prints every finding as FILE:LINE: ..., records rows (suite "lint") in
# build/results/tests.tsv. exit: 0 clean, 1 findings or a tool failed

. "$(dirname "$0")/lib.sh"

kernels="$MC_DEFAULT_KERNEL 5.10"
mc_options "usage: ci/lint.sh [--kernels KEYS]" --kernels=kernels -- "$@"
kernels=$(mc_expand_kernels "$kernels") || exit 64
mkdir -p "$MC_RESULTS"
work=$MC_BUILD/lint
rm -rf "$work"
mkdir -p "$work"
rc=0

record() # KERNEL TEST STATUS SECONDS DETAIL
{
	mc_result lint "$1" "$2" "$3" "$4" "$5"
	[ "$3" = PASS ] || rc=1
}

# summary LIST-FILE: "N findings (first: ...)" for a detail column
summary()
{
	local n
	n=$(wc -l <"$1")
	[ "$n" = 0 ] && { echo clean; return; }
	echo "$n findings, first: $(head -n 1 "$1" | cut -c1-200)"
}

# findings TOOL TITLE WHAT: print $work/TOOL.txt (one finding a line) and
# record the tool's row: PASS when empty; timed from $t
findings()
{
	echo "$2: $3, $(wc -l <"$work/$1.txt") findings"
	sed 's/^/  /' "$work/$1.txt"
	if [ -s "$work/$1.txt" ]; then
		record - "$1" FAIL "$(mc_since "$t")" "$3: $(summary "$work/$1.txt")"
	else
		record - "$1" PASS "$(mc_since "$t")" "$3 clean"
	fi
}

cd "$MC_TOP" || exit 1
shopt -s nullglob
files=(include/movcompat/*.h compat/*.c compat/*.h compat/probes/*.c compat/probes/*.h
	tests/compat/*/*.c tests/compat/*/*.h tests/core/*/*.c tests/bench/*/*.c tests/bench/*/*.h tests/cma/*/*.c
	drivers-examples/*/*.c drivers-examples/*/*.h drivers-examples/*/probes/*.c)
moddirs=()
for d in tests/compat/*/ tests/core/*/ tests/bench/*/ tests/cma/*/ drivers-examples/*/; do
	[ -e "$d/Kbuild" ] && moddirs+=("${d%/}")
done

# ------------------------------------------------------------ checkpatch
# --no-tree: this is not a kernel tree. -f: whole files, not patches.
# Ignored types, each because it only makes sense inside the kernel tree:
#  CAMELCASE          fires on the kernel's own names (__SetPageMovable,
#                     __ClearPageMovable, PageMovable): in-tree, checkpatch
#                     learns them from the tree's headers, which --no-tree
#                     hides; movcompat has to call them by those names.
#  IS_ENABLED_CONFIG  asks for CONFIG_ symbols in IS_ENABLED(); out-of-tree
#                     code has no Kconfig, its configuration is the probe
#                     header's MOVCOMPAT_* macros (defined to 1 or absent,
#                     which is exactly what IS_ENABLED() handles).
# Allowed single findings (grep -E patterns on checkpatch's terse output):
#  kmap_atomic        kmap_local_page() only exists from 5.11, movcompat and
#                     its tests build for 4.8+ (5.10 is in the matrix).
allowed="DEPRECATED_API: Deprecated use of 'kmap_atomic'"
cp_ignore=CAMELCASE,IS_ENABLED_CONFIG

t=$(mc_now)
if ! src=$(bash "$MC_CI/fetch-source.sh" 6.1 2>"$work/fetch-source.log" | tail -n 1) ||
   [ ! -r "$src/scripts/checkpatch.pl" ]; then
	echo "checkpatch: linux-source-6.1 unavailable: $(tail -n 1 "$work/fetch-source.log")"
	record - checkpatch FAIL "$(mc_since "$t")" "linux-source-6.1 (checkpatch.pl) unavailable"
else
	# checkpatch FILE...: run from $work with absolute paths (--strict
	# writes a .checkpatch-camelcase.* cache file into the current
	# directory), report repository-relative paths
	checkpatch()
	{
		local f abs=()
		for f in "$@"; do
			case $f in /*) abs+=("$f") ;; *) abs+=("$MC_TOP/$f") ;; esac
		done
		(cd "$work" && perl "$src/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
			--ignore "$cp_ignore" -f "${abs[@]}" 2>&1) |
			grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' | grep -v -E -e "$allowed" |
			sed "s|^$MC_TOP/||"
	}
	# the detector: a file that breaks the style in three ways
	printf 'int  f(void){\n\tint x=1 ;\n\treturn x;}\n' >"$work/bad.c"
	n=$(checkpatch "$work/bad.c" | wc -l)
	if [ "$n" -ge 3 ]; then
		record - checkpatch-detects PASS 0 "$n findings in a known-bad sample"
	else
		record - checkpatch-detects FAIL 0 "only $n findings in a known-bad sample: checkpatch is not checking"
	fi
	checkpatch "${files[@]}" >"$work/checkpatch.txt"
	findings checkpatch "checkpatch --strict" "${#files[@]} files"
fi

bash "$MC_CI/deps.sh" --lint >"$work/apt.log" 2>&1

# ------------------------------------------------------------ shellcheck
t=$(mc_now)
shfiles=(ci/*.sh ci/guest/init ci/guest/guest-lib.sh .ci/run tests/*/*.sh)
if ! command -v shellcheck >/dev/null 2>&1; then
	echo "shellcheck: not installed and ci/deps.sh --lint could not install it (see $work/apt.log)"
	record - shellcheck FAIL 0 "shellcheck not installable"
else
	# the detector: an unquoted variable in a test and a useless cat
	printf '#!/bin/sh
x=$1
if [ $x = a ]; then cat "$x" | wc; fi
unused=1
' >"$work/bad.sh"
	if [ "$(shellcheck -S warning -f gcc "$work/bad.sh" | wc -l)" -ge 1 ]; then
		record - shellcheck-detects PASS 0 "shellcheck flags a known-bad sample"
	else
		record - shellcheck-detects FAIL 0 "shellcheck said nothing about a known-bad sample"
	fi
	shellcheck -S warning -f gcc "${shfiles[@]}" >"$work/shellcheck.txt" 2>&1
	findings shellcheck "shellcheck -S warning" "${#shfiles[@]} scripts"
fi

# ------------------------------------------------------------ prototypes
t=$(mc_now)
# names FILE... KIND: the functions of that ctags kind (p: prototype,
# f: definition, static inline ones included), one a line, sorted
names()
{
	local kind=${*: -1}
	ctags -x --kinds-C="$kind" --language-force=C "${@:1:$#-1}" | awk '{ print $1 }' | sort -u
}
# undefined DECLARING... -- DEFINING...: FILE:LINE: findings
undefined()
{
	local decl=() def=()
	while [ "$1" != -- ]; do decl+=("$1"); shift; done
	shift
	def=("$@")
	ctags -x --kinds-C=p --language-force=C "${decl[@]}" |
		awk 'NR == FNR { d[$1] = 1; next }
		!($1 in d) { printf "%s:%s: %s is declared but defined nowhere\n", $4, $3, $1 }' \
			<(names "${def[@]}" f) -
}
if ! command -v ctags >/dev/null 2>&1 || ! ctags --version 2>/dev/null | grep -q Universal; then
	echo "prototypes: universal-ctags not installed and ci/deps.sh --lint could not install it (see $work/apt.log)"
	record - prototypes FAIL 0 "universal-ctags not installable"
else
	# the detector: a header declaring a function nobody defines
	printf 'int mc_lint_defined(void);\nint mc_lint_undefined(int x);\n' >"$work/bad.h"
	printf 'int mc_lint_defined(void)\n{\n\treturn 0;\n}\n' >"$work/bad-def.c"
	if [ "$(undefined "$work/bad.h" -- "$work/bad-def.c" | grep -c mc_lint_)" = 1 ]; then
		record - prototypes-detects PASS 0 "a declared, never-defined function in a known-bad sample is flagged"
	else
		record - prototypes-detects FAIL 0 "the known-bad sample's undefined function was not flagged (or the defined one was)"
	fi
	hdrs=(include/movcompat/*.h compat/*.h)
	undefined "${hdrs[@]}" -- include/movcompat/*.h compat/*.h compat/*.c |
		sed "s|^$MC_TOP/||" >"$work/prototypes.txt"
	findings prototypes "prototypes defined" "$(names "${hdrs[@]}" p | wc -l) functions declared in ${#hdrs[@]} headers"
fi

# ------------------------------------------------------------ sparse

# sparse_build DIR OUT: C=2 build for $kernel; prints the sparse warnings in
# movcompat's own files as repository paths (the build copies sources to
# OUT and links compat/ into OUT/movcompat)
sparse_build()
{
	bash "$MC_CI/build.sh" "$kernel" "$1" "$2" -- C=2 >>"$work/sparse-builds.log" 2>&1 || return 1
	awk -v a="$2/" -v b="$MC_TOP/" '/^[^ :]+:[0-9]+:[0-9]+: (warning|error):/ &&
		(index($0, a) == 1 || index($0, b) == 1)' "$2/build.log" |
		sed -e "s|^$2/movcompat_build/|compat/|" -e "s|^$2/|$1/|" -e "s|^$MC_TOP/||" | sort -u
}

# the detector: a dereference of a __user pointer
mkdir -p "$work/bad-sparse"
printf '// SPDX-License-Identifier: GPL-2.0\n#include <linux/module.h>\nint __user *mc_lint_p;\nint mc_lint_f(void)\n{\n\treturn *mc_lint_p;\n}\nMODULE_LICENSE("GPL");\n' \
	>"$work/bad-sparse/bad.c"
echo 'obj-m += bad.o' >"$work/bad-sparse/Kbuild"

for kernel in $kernels; do
	mc_kernel "$kernel"
	t=$(mc_now)
	if [ -n "$K_CHROOT_SUITE" ]; then
		# kernels built in a chroot would need sparse inside the chroot
		echo "sparse: kernel $kernel is built in a chroot; lint runs sparse for host-built kernels only"
		record "$kernel" sparse FAIL 0 "sparse only for host-built kernels"
		continue
	fi
	if ! command -v sparse >/dev/null 2>&1; then
		echo "sparse: not installed and ci/deps.sh --lint could not install it (see $work/apt.log)"
		record "$kernel" sparse FAIL 0 "sparse not installable"
		continue
	fi
	if ! { bash "$MC_CI/fetch.sh" "$kernel" && bash "$MC_CI/toolchain.sh" "$kernel"; } >/dev/null 2>&1; then
		mc_log "$kernel" lint "kernel $kernel could not be fetched/prepared; the builds below will fail"
	fi
	# the detector's sample is always compiled: sparse itself must run
	n=$(MOVCOMPAT_BUILD_CACHE=0 sparse_build "$work/bad-sparse" "$work/bad-sparse-$kernel" | grep -c 'noderef')
	if [ "$n" -ge 1 ]; then
		record "$kernel" sparse-detects PASS 0 "sparse flags a known-bad sample"
	else
		record "$kernel" sparse-detects FAIL 0 "sparse said nothing about a known-bad sample: C=2 is not checking"
	fi
	out=$work/sparse-$kernel.txt
	: >"$out"
	h0=$(grep -c 'cache hit' "$work/sparse-builds.log")
	for d in "${moddirs[@]}"; do
		o=$MC_BUILD/$kernel/lint/$(basename "$d")
		sparse_build "$d" "$o" >>"$out" ||
			echo "$d: build with C=2 failed (see $o/build.log)" >>"$out"
	done
	sort -u -o "$out" "$out"
	# builds whose inputs (sparse included) were all the same as an
	# earlier one's come from ci/build.sh's cache, with that build's log
	reused=$(($(grep -c 'cache hit' "$work/sparse-builds.log") - h0))
	echo "sparse (C=2, kernel $kernel): ${#moddirs[@]} module directories ($reused reused from the build cache), $(wc -l <"$out") findings"
	sed 's/^/  /' "$out"
	if [ -s "$out" ]; then
		record "$kernel" sparse FAIL "$(mc_since "$t")" "${#moddirs[@]} modules: $(summary "$out")"
	else
		record "$kernel" sparse PASS "$(mc_since "$t")" "${#moddirs[@]} modules clean ($reused builds reused): ${moddirs[*]}"
	fi
done
exit $rc
