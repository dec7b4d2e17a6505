#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# movcompat feature probes: compile every compat/probes/*.c, and every *.c
# of the driver's own probe directories, against the target kernel's
# headers (all in one translation unit, each probe in a region of its own;
# MOVCOMPAT_PROBE_MODE=single: one kbuild pass, each on its own), check the
# exports in each directory's exports.list against its Module.symvers, and
# write one header of MOVCOMPAT_HAVE_* / MOVCOMPAT_EXPORT_* macros. A probe
# file NAME.c defines MOVCOMPAT_HAVE_<NAME in capitals> when it compiles;
# its comment starts with that macro (" * PROBE: MACRO") and a one-line
# description, which the header repeats beside the macro. A probe's
# file-scope names other than movcompat_probe must be its own (in the
# batch, a clash makes the probe compile again on its own: slower).
#
# Results are cached, keyed on the kernel's .config and Module.symvers, the
# compiler and the probe sources, in $MOVCOMPAT_PROBE_CACHE (default
# ~/.cache/movcompat/probes).
#
# usage: probe.sh KDIR OUT.h [CC] [GPL:y|n] [PROBE-DIR...]
# Called from compat/movcompat.mk while kbuild parses a driver's Kbuild; it
# can also be run by hand. Progress goes to stderr.

set -eu
kdir=$1
out=$2
cc=${3:-gcc}
gpl=${4:-y}
[ $# -gt 4 ] && shift 4 || set --
here=$(cd "$(dirname "$0")" && pwd)
# movcompat's probes first, then the driver's (MOVCOMPAT_PROBE_DIRS)
dirs=$here/probes
for d in "$@"; do
	[ -d "$d" ] || { echo "movcompat probe: error: probe directory $d (MOVCOMPAT_PROBE_DIRS) does not exist" >&2; exit 1; }
	dirs="$dirs $(cd "$d" && pwd)"
done
cache=${MOVCOMPAT_PROBE_CACHE:-${MOVCOMPAT_CACHE:-${HOME:-/tmp}/.cache/movcompat}/probes}

die() { echo "movcompat probe: error: $*" >&2; exit 1; }
[ -z "${MOVCOMPAT_IN_PROBE:-}" ] || die "probe.sh called from inside a probe build (recursion): report this as a movcompat bug"
[ -f "$kdir/.config" ] || die "$kdir/.config not found: is '$kdir' a configured kernel build or headers tree?"
# the kernel's exports: its Module.symvers, or a file the user names for a
# tree prepared without one (MOVCOMPAT_SYMVERS; make check-tree SYMVERS=)
symvers=${MOVCOMPAT_SYMVERS:-$kdir/Module.symvers}
[ -f "$symvers" ] || die "$symvers not found: export probes need it (install the full headers package, or name a Module.symvers of the same kernel with MOVCOMPAT_SYMVERS=)"
# the compiler must run, or every probe would fail and the kernel look
# featureless; say which one the kernel was built with
# (Debian's headers spell CC " gcc-12", with a leading blank)
# shellcheck disable=SC2086 # word splitting wanted: the first word
set -- $cc
cc_bin=${1:-gcc}
if ! command -v "$cc_bin" >/dev/null 2>&1; then
	built=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' "$kdir/.config")
	die "the compiler '$cc_bin' (CC) is not installed; this kernel was built with ${built:-an unknown compiler}: install that compiler, or build where it is (a chroot or container of the kernel's distribution)"
fi

# probe_files: every probe source, one a line (directories in order)
probe_files() { for d in $dirs; do ls "$d"/*.c 2>/dev/null; done; }
# export_lists: every exports.list there is
export_lists() { for d in $dirs; do [ ! -f "$d/exports.list" ] || echo "$d/exports.list"; done; }
dup=$(probe_files | xargs -n 1 basename | sort | uniq -d | head -n 1)
[ -z "$dup" ] || die "two probe directories have a probe named $dup: rename one (its macro comes from the file name)"
# shellcheck disable=SC2046 # the lists hold paths without spaces
key=$( { cat "$kdir/.config" "$symvers" $(probe_files) $(export_lists) "$0"; echo "$dirs"; } |
	{ sha256sum; echo "$cc $gpl ${MOVCOMPAT_PROBE_MODE:-batch}"; } | sha256sum | cut -c1-24)
mkdir -p "$cache" "$(dirname "$out")"
if [ -s "$cache/$key.h" ]; then
	cmp -s "$cache/$key.h" "$out" 2>/dev/null || cp "$cache/$key.h" "$out"
	exit 0
fi

t0=$(date +%s.%N)
work=$(mktemp -d "${TMPDIR:-/tmp}/movcompat-probe.XXXXXX")
trap 'rm -rf "$work"' EXIT
ccflags="-Werror=implicit-function-declaration -Werror=incompatible-pointer-types -Werror=int-conversion -Wno-missing-prototypes -Wno-unused-function"
# kbuild DIR OBJS...: compile the probe sources of DIR against the kernel,
# in one kbuild pass, in parallel; -k so failures don't stop others. A clean
# environment: when called from a driver's kbuild run, the outer make's
# exported variables (KBUILD_EXTMOD, MAKEFLAGS, ...) must not leak in.
kbuild()
{
	d=$1
	shift
	{ echo "obj-m := $*"; echo "ccflags-y := $ccflags -fmax-errors=0"; } >"$d/Kbuild"
	env -i PATH="$PATH" HOME="${HOME:-/tmp}" LANG=C MOVCOMPAT_IN_PROBE=1 \
		make -C "$kdir" M="$d" CC="$cc" -k -j"$(nproc)" modules >"$d/probe.log" 2>&1 || true
}

# 1. Every probe in one translation unit, so the kernel's headers are parsed
# once, not once per probe. Each probe is a region of its own: a line marker
# names it ("probe:NAME") in the compiler's messages, its headers are tested
# with __has_include first (a missing one would stop the whole compilation),
# its movcompat_probe is renamed. An error counts against the probe it is
# in, or whose macro use or #include it comes from.
mkdir "$work/batch"
i=0
{
	printf '#ifndef __has_include\n#error "MOVCOMPAT-NO-HAS-INCLUDE"\n#endif\n'
	for f in $(probe_files); do
		i=$((i + 1))
		n=$(basename "$f" .c)
		cond=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/__has_include(\1) \&\&/p' "$f" | tr '\n' ' ')
		printf '#if %s 1\n# 1 "probe:%s"\n#define movcompat_probe movcompat_probe_%s\n' "$cond" "$n" "$i"
		cat "$f"
		printf '\n#undef movcompat_probe\n#else\n#warning "MOVCOMPAT-NO-HEADER %s"\n#endif\n' "$n"
	done
} >"$work/batch/movcompat_probes.c"
if [ "${MOVCOMPAT_PROBE_MODE:-batch}" = batch ]; then
	kbuild "$work/batch" movcompat_probes.o
	# blame: "fail NAME" per failed probe, "single NAME" for one to compile
	# on its own (its error may be a clash with another probe's names),
	# "single-all" when the messages cannot be read (no __has_include, a
	# fatal error, an error no probe can be blamed for, nothing compiled)
	awk -v built="$([ -s "$work/batch/movcompat_probes.o" ] && echo 1)" '
		function probe_in(l) { return match(l, /probe:[A-Za-z0-9_]+/) ? substr(l, RSTART + 6, RLENGTH - 6) : "" }
		function settle() {
			if (!open)
				return
			if (who == "")
				who = chain
			if (who == "")
				all = 1
			else {
				print "fail " who
				if (clash)
					print "single " who
				for (k = 1; k <= nn; k++)
					print "named " who " " names[k]
			}
			nn = 0
			open = 0
			seen = 1
		}
		/MOVCOMPAT-NO-HAS-INCLUDE|fatal error:|compilation terminated/ { all = 1 }
		/MOVCOMPAT-NO-HEADER / { settle(); n = $0; sub(/.*MOVCOMPAT-NO-HEADER /, "", n); sub(/[^A-Za-z0-9_].*/, "", n); print "fail " n; seen = 1; next }
		/^In file included from |^ +from / { settle(); c = probe_in($0); if (c != "") chain = c; next }
		/: error: / {
			settle()
			open = 1
			who = ($0 ~ /^probe:/) ? probe_in($0) : ""
			clash = ($0 ~ /redefinition of|conflicting types for|redeclared as different kind|previous (definition|declaration)/)
			# GCC reports an undeclared name, or an implicit
			# declaration, once per scope: a later probe using the
			# name may get no error of its own
			nn = 0
			m = $0
			sub(/; did you mean.*/, "", m)
			if (m ~ /undeclared|implicit declaration of function/ &&
			    match(m, /\047[A-Za-z_][A-Za-z0-9_]*\047/))
				names[++nn] = substr(m, RSTART + 1, RLENGTH - 2)
			next
		}
		/: note: / { if (open && who == "") who = probe_in($0); next }
		/: warning: |^make/ { settle() }
		END {
			settle()
			if (all || (!seen && !built))
				print "single-all"
		}' "$work/batch/probe.log" >"$work/blame"
else
	echo single-all >"$work/blame"
fi

# 2. Probes the batch could not judge, each in its own translation unit
# (MOVCOMPAT_PROBE_MODE=single: all of them, the cross-check)
if grep -q '^single-all$' "$work/blame"; then
	single=$(probe_files)
else
	# a probe that names what an error of another probe named: the error
	# may have hidden its own (see above), or have been caused by it
	# shellcheck disable=SC2046 # paths without spaces
	awk '
		FNR == NR { if ($1 == "named") { named[$3] = 1; own[$2, $3] = 1 }; next }
		FNR == 1 { n = FILENAME; sub(/.*\//, "", n); sub(/\.c$/, "", n); cmt = 0 }
		{
			# the code, not the comments (which name the old APIs)
			l = $0
			if (cmt) {
				if (!sub(/.*\*\//, "", l))
					next
				cmt = 0
			}
			gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, " ", l)
			if (sub(/\/\*.*/, "", l))
				cmt = 1
			sub(/\/\/.*/, "", l)
			gsub(/[^A-Za-z0-9_]+/, " ", l)
			k = split(l, w, " ")
			for (i = 1; i <= k; i++)
				if ((w[i] in named) && !((n, w[i]) in own))
					again[n] = 1
		}
		END { for (n in again) print "single " n }' "$work/blame" $(probe_files) >>"$work/blame"
	single=$(for n in $(sed -n 's/^single //p' "$work/blame" | sort -u); do probe_files | grep "/$n\.c$"; done)
fi
objs=
for f in $single; do
	n=$(basename "$f" .c)
	cp "$f" "$work/$n.c"
	objs="$objs $n.o"
done
[ -z "$objs" ] || kbuild "$work" $objs
# present NAME: the probe compiled (on its own, or in the batch unblamed)
present()
{
	if [ -f "$work/$1.c" ]; then
		[ -s "$work/$1.o" ]
	else
		! grep -qx "fail $1" "$work/blame"
	fi
}

# not a single probe compiled (a broken tree or toolchain): never cache that
if [ ! -s "$work/batch/movcompat_probes.o" ] && ! ls "$work"/*.o >/dev/null 2>&1 &&
   [ "$(sed -n 's/^fail //p' "$work/blame" | sort -u | wc -l)" -ge "$i" ]; then
	die "no probe compiled against $kdir: the kernel tree or the compiler is broken; the last lines of the probe build: $(tail -n 3 "$work/batch/probe.log" "$work/probe.log" 2>/dev/null | tr '\n' ' ')"
fi
if grep -q '^single-all$' "$work/blame" && ! ls "$work"/*.o >/dev/null 2>&1; then
	die "no probe compiled against $kdir: the kernel tree or the compiler is broken; the last lines of the probe build: $(tail -n 3 "$work/probe.log" | tr '\n' ' ')"
fi

tmp=$out.tmp.$$
{
	echo "/* SPDX-License-Identifier: GPL-2.0 */"
	echo "/* Generated by movcompat compat/probe.sh for $kdir - do not edit. */"
	echo "#ifndef MOVCOMPAT_CONFIG_H"
	echo "#define MOVCOMPAT_CONFIG_H"
	for f in $(probe_files); do
		n=$(basename "$f" .c)
		macro=MOVCOMPAT_HAVE_$(echo "$n" | tr 'a-z' 'A-Z')
		said=$(sed -n 's/^ \* PROBE: *\([A-Z0-9_]*\).*/\1/p' "$f")
		[ "$said" = "$macro" ] || die "$f: its comment must start with ' * PROBE: $macro' (the macro comes from the file name)"
		what=$(sed -n '/^ \* PROBE:/{n;s/^ \* *//;s/\*\///g;p;q}' "$f")
		if present "$n"; then
			echo "#define $macro 1	/* $what */"
		else
			echo "/* #undef $macro */	/* $what */"
		fi
	done
	# shellcheck disable=SC2046
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' $(export_lists) | awk -v gpl="$gpl" '
		NR == FNR { kind[$2] = $4; next }
		{
			sym = $1
			S = sym
			sub(/^_*/, "", S)
			S = toupper(S)
			if (kind[sym] == "EXPORT_SYMBOL_GPL") {
				print "#define MOVCOMPAT_EXPORT_" S " 1"
				print "#define MOVCOMPAT_EXPORT_GPL_ONLY_" S " 1"
				if (gpl == "y")
					print "#define MOVCOMPAT_USABLE_" S " 1"
				else
					print "/* #undef MOVCOMPAT_USABLE_" S " (GPL-only, module is not GPL) */"
			} else if (kind[sym] ~ /^EXPORT_SYMBOL/) {
				print "#define MOVCOMPAT_EXPORT_" S " 1"
				print "#define MOVCOMPAT_USABLE_" S " 1"
			} else
				print "/* #undef MOVCOMPAT_EXPORT_" S " (not exported) */"
		}' "$symvers" -
	echo "#endif /* MOVCOMPAT_CONFIG_H */"
} >"$tmp"
# the log a user reads when a probe answers wrongly: the compiler's
# messages, then which probes they were blamed on
{ cat "$work/batch/probe.log" "$work/probe.log"; echo "--- blame:"; cat "$work/blame"; } >"$cache/$key.log" 2>/dev/null || true
mv "$tmp" "$cache/$key.h.tmp.$$"
mv "$cache/$key.h.tmp.$$" "$cache/$key.h"
cp "$cache/$key.h" "$out"
echo "movcompat: probed $kdir in $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')s ($(grep -c '^#define MOVCOMPAT_HAVE' "$out") features present)" >&2
