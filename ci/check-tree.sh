#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-tree KDIR=/path/to/prepared/tree [SYMVERS=file] [CC=compiler]:
# any kernel tree a user has (vendor kernel, kernel.org tree after
# 'make modules_prepare', distro headers) checked with one command:
#  1. runs movcompat's probes (and movram's) against it and prints the
#     feature and export table;
#  2. says which backend a module built against it gets (modinfo's
#     movcompat_backend of a built module, so it is what the headers
#     decided, not a guess) and the probes that decided it;
#  3. builds every example and test module directory against it.
# A tree without Module.symvers (modules_prepare only) has no exports to
# check: it says so on one line and stops, unless SYMVERS names the
# Module.symvers of the same kernel (then the probes and modpost use it);
# it never guesses which exports exist.
#
# usage: ci/check-tree.sh KDIR [--symvers FILE] [--cc COMPILER] [--only "DIR..."]
#        (--only: just these module directories, paths in the repository)
# exit: 0 every module built, 1 a module failed or the probes failed,
#       64 bad arguments

. "$(dirname "$0")/lib.sh"

usage="usage: make check-tree KDIR=/path/to/tree [SYMVERS=Module.symvers] [CC=gcc-N] (or ci/check-tree.sh KDIR [--symvers FILE] [--cc CC])"
kdir='' symvers='' cc='' only=''
trees=()
mc_options "$usage" --only=only --symvers=symvers --cc=cc @trees -- "$@"
[ ${#trees[@]} -le 1 ] || mc_die "$usage" 64
kdir=${trees[0]:-}
[ -n "$kdir" ] || mc_die "$usage" 64
[ -f "$kdir/.config" ] && [ -f "$kdir/Makefile" ] ||
	mc_die "$kdir is not a configured kernel tree (no .config or Makefile): run 'make defconfig modules_prepare' there, or give the headers tree" 64
kdir=$(cd "$kdir" && pwd)
if [ -n "$symvers" ]; then
	[ -f "$symvers" ] || mc_die "SYMVERS=$symvers does not exist" 64
	symvers=$(readlink -f "$symvers")
elif [ ! -f "$kdir/Module.symvers" ]; then
	mc_die "$kdir has no Module.symvers (a tree after modules_prepare only), so which functions the kernel exports, and to whom, is unknown: give SYMVERS=/path/to/Module.symvers of the same kernel (from a full build of this configuration); movcompat does not guess" 1
fi
rel=$(make -s -C "$kdir" kernelrelease 2>/dev/null | tail -n 1)
t=$(mc_now)
w=$MC_BUILD/check-tree/$(echo "${rel:-tree}" | tr -c 'A-Za-z0-9._+-' _)
rm -rf "$w"
mkdir -p "$w"
margs=()
[ -n "$cc" ] && margs+=(CC="$cc")
export MOVCOMPAT_SYMVERS=$symvers
[ -n "$symvers" ] && margs+=(KBUILD_EXTRA_SYMBOLS="$symvers")

echo "kernel tree: $kdir (release ${rel:-unknown})${symvers:+, exports from $symvers}"
# 1. the probes, as a module build runs them
mc_cc=${cc:-$(sed -n 's/^CC[[:space:]]*=[[:space:]]*//p' "$kdir/.kernelvariables" 2>/dev/null | sed 's/.*)[[:space:]]*//')}
mc_cc=${mc_cc:-gcc}
cache=$w/probes
if ! MOVCOMPAT_PROBE_CACHE=$cache sh "$MC_TOP/compat/probe.sh" "$kdir" "$w/movcompat_config.h" "$mc_cc" y \
	"$MC_TOP/drivers-examples/movram/probes" 2>"$w/probe.err"; then
	cat "$w/probe.err" >&2
	exit 1
fi
echo
echo "features and exports (Y present / G GPL-only export / - absent):"
awk '
	/#define MOVCOMPAT_HAVE_/ { sub("MOVCOMPAT_HAVE_", "", $2); printf "  %-32s Y\n", $2 }
	/#undef MOVCOMPAT_HAVE_/ { sub("MOVCOMPAT_HAVE_", "", $3); printf "  %-32s -\n", $3 }
	/#define MOVCOMPAT_EXPORT_GPL_ONLY_/ { sub("MOVCOMPAT_EXPORT_GPL_ONLY_", "", $2); g[$2] = 1; next }
	/#define MOVCOMPAT_EXPORT_/ { sub("MOVCOMPAT_EXPORT_", "", $2); e[++n] = $2 }
	/#undef MOVCOMPAT_EXPORT_/ { sub("MOVCOMPAT_EXPORT_", "", $3); e[++n] = $3; absent[$3] = 1 }
	END { for (i = 1; i <= n; i++) printf "  export %-25s %s\n", e[i], (e[i] in absent ? "-" : (e[i] in g ? "G" : "Y")) }
' "$w/movcompat_config.h"

# 3. every module directory, built as a user would (make -C KDIR M=...)
dirs=()
for d in "$MC_TOP"/drivers-examples/*/ "$MC_TOP"/tests/compat/*/ "$MC_TOP"/tests/core/*/ "$MC_TOP"/tests/cma/*/ "$MC_TOP"/tests/bench/*/; do
	[ -e "$d/Kbuild" ] || continue
	# deliberately broken builds (mutants) test the tests, not the tree
	grep -q 'mutant.mk' "$d/Kbuild" && continue
	if [ -n "$only" ]; then
		n=${d#"$MC_TOP"/}
		case " $only " in *" ${n%/} "*) ;; *) continue ;; esac
	fi
	dirs+=("${d%/}")
done
echo
rc=0 ok=0
for d in "${dirs[@]}"; do
	n=${d#"$MC_TOP"/}
	o=$w/${n//\//_}
	cp -a "$d/." "$o/"
	if make -C "$kdir" M="$o" MOVCOMPAT_DIR="$MC_TOP" "${margs[@]}" -j"$(nproc)" modules >"$o/build.log" 2>&1 &&
		ls "$o"/*.ko >/dev/null 2>&1; then
		ok=$((ok + 1))
		printf '  %-36s built (%s)\n' "$n" "$(cd "$o" && ls ./*.ko | sed 's|^\./||' | tr '\n' ' ')"
	else
		rc=1
		printf '  %-36s FAILED: %s\n' "$n" "$(grep -m1 -E 'error|Error' "$o/build.log" | cut -c1-140)"
	fi
done

# 2. the backend, from what a built module says
b=$(modinfo -F movcompat_backend "$w"/tests_compat_mc_pages/mc_pages.ko 2>/dev/null)
echo
echo "backend: ${b:-unknown (mc_pages did not build)}, from these probes (include/movcompat/movcompat_inline.h has the rules):"
awk '
	{ name = ($1 == "#define") ? $2 : $3; val = ($1 == "#define") ? "yes" : "no" }
	name ~ /^MOVCOMPAT_(HAVE_(SETPAGEMOVABLE_OPS|MOVABLE_OPERATIONS|SETPAGEMOVABLE_MAPPING|AOPS_ISOLATE_PAGE|PG_MOVABLE_OPS)|USABLE_(SETPAGEMOVABLE|CLEARPAGEMOVABLE|XAS_LOAD|KVFREE_CALL_RCU))$/ {
		printf "  %-40s %s\n", name, val
	}' "$w/movcompat_config.h"
echo
echo "check-tree: $ok of ${#dirs[@]} module directories built against ${rel:-$kdir} in $(mc_since "$t")s (logs in $w)"
exit $rc
