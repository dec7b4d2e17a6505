#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build an out-of-tree module directory for one kernel:
#   make -C KDIR M=OUTDIR modules
# The sources are copied (timestamps kept, so rebuilds are incremental) to a
# per-kernel build directory, by default build/KEY/<module dir name>.
# Chroot kernels build inside their chroot, in a private mount namespace
# where the repository and build tree are bind-mounted at the same paths.
#
# A compile cache at module granularity (like ccache): the .ko files of an
# earlier build whose inputs were all the same are reused, and the log line
# says "cache hit". The inputs: the module directory, movcompat's compat/ and
# include/, this script, the make arguments, the kernel's packages (names
# and versions), .config and Module.symvers, the compiler's version, and
# the files the directory's .build-inputs lists (paths in the repository).
# Builds with C=1/C=2 (sparse, whose output is the point) are cached with
# sparse's version in the key as well, and their build log, which holds
# sparse's findings, comes back with the modules: sparse is as deterministic
# as the compiler. MOVCOMPAT_BUILD_CACHE=0 turns the cache off. Cache:
# $MOVCOMPAT_CACHE/modules (default ~/.cache/movcompat).
#
# --vendored: the module directory carries its own movcompat (make vendor):
# no MOVCOMPAT_DIR is passed, as a user's 'make -C $KDIR M=$PWD' would.
#
# usage: ci/build.sh [--vendored] KEY MODDIR [OUTDIR] [-- MAKE-ARGS...]
# exit:  0 built, 1 build failed (log tail printed), 64 bad arguments

. "$(dirname "$0")/lib.sh"

usage="usage: ci/build.sh [--vendored] KEY MODDIR [OUTDIR] [-- MAKE-ARGS...]"
vendored=0
[ "${1:-}" = --vendored ] && { vendored=1; shift; }
[ $# -ge 2 ] || mc_die "$usage" 64
key=$1 src=$2
shift 2
out=
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	out=$1
	shift
fi
[ "${1:-}" = -- ] && shift
# movcompat's build options given in the environment become make arguments
# (before the explicit ones, which win): chroot builds run under env -i,
# and the arguments are part of the cache key below
for v in MOVCOMPAT_GPL MOVCOMPAT_BACKEND MOVCOMPAT_FAULTS MOVCOMPAT_BREAK MOVCOMPAT_INDEX; do
	[ -z "${!v:-}" ] || set -- "$v=${!v}" "$@"
done
mc_kernel "$key"
[ -d "$src" ] || mc_die "module directory '$src' does not exist" 64
[ -e "$src/Kbuild" ] || [ -e "$src/Makefile" ] ||
	mc_die "module directory '$src' has no Kbuild or Makefile" 64
src=$(cd "$src" && pwd)
name=$(basename "$src")
out=${out:-$MC_BUILD/$K_KEY/$name}
kdir=$(mc_kdir "$key")
kroot=$(mc_kdir_host "$key")
[ -d "$kroot" ] || mc_die "kernel $K_KEY has no build environment: run 'bash ci/fetch.sh $K_KEY && bash ci/toolchain.sh $K_KEY'" 1

mkdir -p "$out"
out=$(cd "$out" && pwd)
# modules of an earlier build with other arguments must not linger
rm -f "$out"/*.ko
cp -a "$src/." "$out/"
t=$(mc_now)

# the compile cache's key: every input of the build (see the top)
ckey=
if [ "${MOVCOMPAT_BUILD_CACHE:-1}" = 1 ]; then
	ckey=$({
		printf '%s\n' "$K_KEY" "$K_REL" "$K_CC" "vendored=$vendored" "$@"
		sed 's|.*/||' "$K_DIR/debs.list" 2>/dev/null
		if printf '%s\n' "$@" | grep -q '^C='; then
			mc_in_env "$key" sparse --version 2>&1 | head -n 1
		fi
		(cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
		(cd "$MC_TOP" && find compat include -type f -print0 | sort -z | xargs -0 sha256sum)
		# files outside the directory it builds from (a mutant's source)
		[ ! -r "$src/.build-inputs" ] || (cd "$MC_TOP" && xargs sha256sum <"$src/.build-inputs")
		sha256sum "$0" "$MC_CI/lib.sh" "$kroot/.config" "$kroot/Module.symvers" | cut -d' ' -f1
		mc_in_env "$key" "$K_CC" --version 2>&1 | head -n 1
	} | sha256sum | cut -c1-32)
	cdir=$MC_CACHE/modules/$ckey
	if ls "$cdir"/*.ko >/dev/null 2>&1; then
		cp "$cdir"/*.ko "$out/"
		cp "$cdir/build.log" "$out/build.log" 2>/dev/null
		mc_log "$K_KEY" build "$name: $(cd "$out" && printf '%s ' *.ko)in $(mc_since "$t")s (cache hit: built before from the same inputs)"
		exit 0
	fi
fi
jobs=$(nproc)
margs=(-C "$kdir" M="$out" CC="$K_CC" -j"$jobs" "$@" modules)
[ $vendored = 1 ] || margs=(MOVCOMPAT_DIR="$MC_TOP" "${margs[@]}")

MC_EXTRA_BIND=$out mc_in_env "$key" make "${margs[@]}" >"$out/build.log" 2>&1
rc=$?
if [ $rc != 0 ] || ! ls "$out"/*.ko >/dev/null 2>&1; then
	mc_log "$K_KEY" build "FAIL $name after $(mc_since "$t")s; last lines of $out/build.log:"
	grep -E 'error|Error|warning' "$out/build.log" | head -n 20 >&2
	tail -n 5 "$out/build.log" >&2
	exit 1
fi
if [ -n "$ckey" ]; then
	mkdir -p "$cdir.tmp.$$"
	cp "$out"/*.ko "$out/build.log" "$cdir.tmp.$$/" &&
		{ mv -T "$cdir.tmp.$$" "$cdir" 2>/dev/null || rm -rf "$cdir.tmp.$$"; }
fi
mc_log "$K_KEY" build "$name: $(cd "$out" && printf '%s ' *.ko)in $(mc_since "$t")s"
