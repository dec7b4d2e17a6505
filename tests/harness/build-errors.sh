#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A user's build mistakes end in one clear line naming the problem and what
# to do, never a wall of compiler errors (the default kernel, a host-built
# one, and copies of its headers tree made wrong on purpose):
#  gpl-core      MOVCOMPAT_GPL=n with MOVCOMPAT_BACKEND=core: refused by
#                movcompat.mk before anything compiles;
#  no-compiler   CC names a compiler that is not installed: probe.sh says
#                so and which compiler the kernel was built with (before, the
#                probes all failed silently and cached a featureless kernel);
#  no-symvers    a headers tree without Module.symvers;
#  no-migration  a kernel without CONFIG_MIGRATION/CONFIG_COMPACTION: the
#                module builds, with one warning saying nothing will move it.
# Rows in build/results/tests.tsv (suite "harness", test build-error-CASE).
#
# usage: tests/harness/build-errors.sh [KEY]   (default: the default kernel)

. "$(dirname "$0")/../../ci/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
mc_kernel "$key"
[ -z "$K_CHROOT_SUITE" ] || mc_die "tests/harness/build-errors.sh needs a host-built kernel (not $key)" 64
kdir=$(mc_kdir "$key")
work=$MC_BUILD/build-errors
rm -rf "$work"
mkdir -p "$work" "$MC_RESULTS"
rc=0

# tree NAME: a copy of the kernel's headers tree (its relative links, such
# as scripts and tools, made absolute), for a case to spoil
tree()
{
	mc_copy_kernel_tree "$kdir" "$work/$1"
	echo "$work/$1"
}

# try CASE KDIR EXPECT-EXIT(0|fail) WANT-REGEX MAKE-ARGS...: build mc_pages
# against KDIR; pass when the exit matches, exactly one line matches
# WANT-REGEX and the compiler reported no error
try()
{
	local name=$1 k=$2 want_exit=$3 want=$4 t out n cerr ok=1 st
	shift 4
	t=$(mc_now)
	out=$work/$name
	mkdir -p "$out"
	cp -a "$MC_TOP/tests/compat/mc_pages/." "$out/mod/"
	make -C "$k" M="$out/mod" CC="$K_CC" MOVCOMPAT_DIR="$MC_TOP" MOVCOMPAT_PROBE_CACHE="$out/probes" "$@" modules \
		>"$out/log" 2>&1
	local got=$?
	n=$(grep -cE "$want" "$out/log")
	cerr=$(grep -cE '^[^ ]+\.[ch]:[0-9]+:[0-9]+: (fatal )?error:' "$out/log")
	if [ "$want_exit" = 0 ]; then [ $got = 0 ] || ok=; else [ $got != 0 ] || ok=; fi
	[ "$n" = 1 ] && [ "$cerr" = 0 ] || ok=
	if [ -n "$ok" ]; then st=PASS; else st=FAIL; rc=1; fi
	mc_result harness "$key" "build-error-$name" "$st" "$(mc_since "$t")" \
		"make exit $got, $n line(s) matching the expected message, $cerr compiler error(s): $(grep -m1 -E "$want" "$out/log" | cut -c1-220)"
	mc_log "$key" build-errors "$name: $st: $(grep -m1 -E "$want" "$out/log" | cut -c1-160)"
}

try gpl-core "$kdir" fail 'movcompat: MOVCOMPAT_BACKEND=core needs GPL-only exports.*MOVCOMPAT_GPL=n' \
	MOVCOMPAT_GPL=n MOVCOMPAT_BACKEND=core
K_CC=gcc-movcompat-missing try no-compiler "$kdir" fail "movcompat probe: error: the compiler 'gcc-movcompat-missing' \\(CC\\) is not installed"
t=$(tree no-symvers-tree)
rm -f "$t/Module.symvers"
try no-symvers "$t" fail 'movcompat probe: error: .*Module.symvers not found'
t=$(tree no-migration-tree)
sed -i -e 's/^CONFIG_MIGRATION=y/# CONFIG_MIGRATION is not set/' -e 's/^CONFIG_COMPACTION=y/# CONFIG_COMPACTION is not set/' "$t/.config"
sed -i -e '/^CONFIG_MIGRATION=y/d' -e '/^CONFIG_COMPACTION=y/d' "$t/include/config/auto.conf"
sed -i -e '/#define CONFIG_MIGRATION 1/d' -e '/#define CONFIG_COMPACTION 1/d' "$t/include/generated/autoconf.h"
try no-migration "$t" 0 'movcompat: this kernel has no CONFIG_MIGRATION'
rm -rf "$work"/*-tree
exit $rc
