#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make vendor DEST=path/to/driver/movcompat: copy exactly the files a
# driver needs to build movcompat into its module, with a version stamp,
# so that the driver tree builds with 'make -C $KDIR M=$PWD' alone (its
# Kbuild says MOVCOMPAT_DIR ?= $(src)/movcompat). Copied: the public and
# inline headers (include/movcompat/), the sources, internal headers,
# probes, probe script and movcompat.mk (compat/), the licence line.
# DEST is replaced when it holds an earlier vendored copy (it has a
# VERSION file), and refused when it holds anything else.
#
# usage: ci/vendor.sh DEST

. "$(dirname "$0")/lib.sh"

[ $# = 1 ] && [ -n "$1" ] ||
	mc_die "usage: make vendor DEST=path/to/driver/movcompat (or ci/vendor.sh DEST)" 64
dest=$1
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ] && [ ! -f "$dest/VERSION" ]; then
	mc_die "$dest exists and is not a vendored movcompat (no VERSION file): give an empty or new directory" 64
fi
rm -rf "$dest"
mkdir -p "$dest/include/movcompat" "$dest/compat/probes" || exit 1
cd "$MC_TOP" || exit 1
cp include/movcompat/*.h "$dest/include/movcompat/" &&
	cp compat/*.c compat/*.h compat/movcompat.mk compat/probe.sh "$dest/compat/" &&
	cp compat/probes/*.c compat/probes/exports.list "$dest/compat/probes/" || exit 1
ver=$(git -C "$MC_TOP" describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "movcompat $ver"
	echo "commit $(git -C "$MC_TOP" rev-parse HEAD 2>/dev/null || echo unknown)"
	echo "vendored $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "licence GPL-2.0 (SPDX headers in every file)"
	echo "update: make -C /path/to/movcompat vendor DEST=$(cd "$dest" && pwd)"
} >"$dest/VERSION"
n=$(find "$dest" -type f | wc -l)
mc_log - vendor "movcompat $ver: $n files in $dest"
