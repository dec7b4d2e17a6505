#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Sources of one broken-core variant of mc_proto (Kbuild): OBJDIR/brk_RULE/
# gets a wrapper for mc_proto_main.c and for each of movcompat's compat/*.c
# that defines MOVCOMPAT_BREAK_<RULE> and includes the real file. A define in
# the source, not a per-object CFLAGS_ line: kbuild before 5.x keys those by
# the file's base name only, so a variant in a subdirectory lost its flag.
#
# usage: brk-sources.sh OBJDIR SRCDIR MOVCOMPAT_DIR RULE
set -e
obj=$1 src=$2 mc=$3 rule=$4
RULE=$(echo "$rule" | tr a-z A-Z)
d=$obj/brk_$rule
mkdir -p "$d/movcompat_build"
wrap() { printf '#define MOVCOMPAT_BREAK_%s 1\n#include "%s"\n' "$RULE" "$1" >"$2.tmp"; }
for f in "$src/mc_proto_main.c" "$mc"/compat/*.c; do
	case $f in */mc_proto_main.c) out=$d/mc_proto_main.c ;; *) out=$d/movcompat_build/${f##*/} ;; esac
	wrap "$f" "$out"
	# rewrite only when it changed (make's timestamps)
	if cmp -s "$out.tmp" "$out"; then rm -f "$out.tmp"; else mv "$out.tmp" "$out"; fi
done
