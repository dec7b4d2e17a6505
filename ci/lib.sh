# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The K_*, D_* and R_* variables set here are read by the scripts that
# source this file:
# shellcheck disable=SC2034
#
# Common helpers for movcompat's ci/ scripts: paths, the kernel list,
# progress lines, the Debian mirror taken from the machine's apt setup,
# and the per-kernel result records the summary table is made from.
#
# Source it; do not run it.

set -o pipefail

MC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MC_CI=$MC_TOP/ci
MC_CACHE=${MOVCOMPAT_CACHE:-$HOME/.cache/movcompat}
MC_BUILD=${MOVCOMPAT_BUILD:-$MC_TOP/build}
MC_RESULTS=$MC_BUILD/results
MC_KERNEL_LIST=${MOVCOMPAT_KERNEL_LIST:-$MC_CI/kernels.list}
MC_DEFAULT_KERNEL=6.1
MC_T0=${MC_T0:-$(date +%s.%N)}
export MC_T0

# Print one progress line: KERNEL STEP MESSAGE, with the seconds since the
# run started in front.
mc_log()
{
	local kernel=$1 step=$2
	shift 2
	printf '[%7ss] %-9s %-9s %s\n' "$(mc_since "$MC_T0")" "$kernel" "$step" "$*" >&2
}

# One clear line on stderr, then exit with the given status (default 1).
mc_die()
{
	echo "movcompat: error: $1" >&2
	exit "${2:-1}"
}

mc_now() { date +%s.%N; }
mc_since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }

# mc_cpu_ticks VAR: sets VAR to the CPU time, in clock ticks, that this
# shell and the children it has waited for have used (user + system, with
# their own waited-for children; proc(5) fields 14-17), read from /proc with
# no process. mc_cpu_secs VAR TICKS: sets VAR to the CPU seconds used since
# mc_cpu_ticks gave TICKS (one decimal). Call both directly, not in $(...),
# which would read a subshell's time. A step's CPU is exact when its
# children ran in the foreground: a background child reaped during the
# step counts for it (ci/test.sh measures its suites in subshells).
mc_cpu_ticks()
{
	local s fields
	read -r s <"/proc/$BASHPID/stat"
	read -r -a fields <<<"${s##*) }"
	printf -v "$1" '%s' $((fields[11] + fields[12] + fields[13] + fields[14]))
}
mc_cpu_secs()
{
	local now d
	mc_cpu_ticks now
	: "${MC_HZ:=$(getconf CLK_TCK)}"
	d=$(((now - $2) * 10 / MC_HZ))
	printf -v "$1" '%d.%d' $((d / 10)) $((d % 10))
}

# mc_lock NAME [KERNEL STEP]: hold an exclusive lock on NAME (a file under
# $MC_CACHE/locks) until this process exits, so two jobs never fill the same
# cache entry at once (make test runs the matrix and the static checks side
# by side; two make commands may share one cache). Says so, as a progress
# line of KERNEL STEP, when it has to wait.
mc_lock()
{
	local f=$MC_CACHE/locks/$1.lock fd t
	mkdir -p "$MC_CACHE/locks"
	exec {fd}>"$f"
	flock -n "$fd" && return 0
	t=$(mc_now)
	mc_log "${2:--}" "${3:-lock}" "waiting for another job holding $1"
	flock "$fd" || mc_die "cannot lock $f"
	mc_log "${2:--}" "${3:-lock}" "got $1 after $(mc_since "$t")s"
}

# ---------------------------------------------------------------- kernel list

# mc_kernel_rows: the data rows of the kernel list (no comments, no blanks).
mc_kernel_rows()
{
	[ -r "$MC_KERNEL_LIST" ] || mc_die "kernel list $MC_KERNEL_LIST not readable"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MC_KERNEL_LIST"
}

# mc_kernel_keys [required|optional|all]
mc_kernel_keys()
{
	local which=${1:-required}
	mc_kernel_rows | awk -v w="$which" 'w == "all" || $8 == w { print $1 }'
}

# mc_kernel KEY: set K_KEY K_REL K_VER K_SUITE K_KBUILD K_LAYOUT K_ENV K_NEED
# K_SHA K_BASE K_CC K_CHROOT_SUITE K_DIR K_SLOW K_BOOT_ARGS for one kernel;
# dies on an unknown key.
mc_kernel()
{
	local row
	row=$(mc_kernel_rows | awk -v k="$1" '$1 == k')
	if [ -z "$row" ]; then
		mc_die "unknown kernel key '$1' (known: $(mc_kernel_keys all | tr '\n' ' ')- see ci/kernels.list)" 64
	fi
	read -r K_KEY K_REL K_VER K_SUITE K_KBUILD K_LAYOUT K_ENV K_NEED K_SHA <<<"$row"
	K_BASE=${K_REL%-cloud-amd64}
	K_CC=${K_ENV#*:}
	case $K_ENV in
	host:*) K_CHROOT_SUITE= ;;
	chroot-*) K_CHROOT_SUITE=${K_ENV%%:*}; K_CHROOT_SUITE=${K_CHROOT_SUITE#chroot-} ;;
	*) mc_die "kernel $1: bad env column '$K_ENV' in $MC_KERNEL_LIST" ;;
	esac
	K_DIR=$MC_CACHE/kernels/$K_REL
	# A debug kernel (KASAN, lockdep, DEBUG_PAGEALLOC under TCG) runs the
	# same tests several times slower: its timeouts, host and guest
	# (MC_SLOW), are multiplied by K_SLOW; its boot turns on the detectors
	# that are off by default. The pass criteria stay the same.
	K_SLOW=1 K_BOOT_ARGS=
	if [ "$K_LAYOUT" = debug ]; then
		K_SLOW=${MOVCOMPAT_DEBUG_SLOW:-4}
		K_BOOT_ARGS="debug_pagealloc=on page_owner=on"
	fi
}

# mc_use_kernel KEY: make the K_* variables KEY's (mc_kernel), unless they
# are already. Every helper below that needs a kernel takes its KEY first
# and calls this: none reads a kernel chosen elsewhere.
mc_use_kernel() { [ "${K_KEY:-}" = "$1" ] || mc_kernel "$1"; }

# mc_expand_kernels "LIST": turn a KERNELS= value into keys. Accepts keys,
# "required" (default), "optional", "debug" and "all"; validates every key.
mc_expand_kernels()
{
	local w out=
	for w in ${1:-required}; do
		case $w in
		required|optional|debug|all) out="$out $(mc_kernel_keys "$w" | tr '\n' ' ')" ;;
		default) out="$out $MC_DEFAULT_KERNEL" ;;
		*) (mc_kernel "$w") || exit 64; out="$out $w" ;;
		esac
	done
	echo $out
}

# mc_kernel_packages KEY: "role package" lines of that kernel.
mc_kernel_packages()
{
	mc_use_kernel "$1"
	if [ "$K_LAYOUT" = binary ]; then
		echo "image linux-binary-$K_REL"
		echo "config linux-base-$K_REL"
	else
		echo "image linux-image-$K_REL-unsigned"
	fi
	echo "headers linux-headers-$K_REL"
	echo "common linux-headers-$K_BASE-common"
	echo "kbuild $K_KBUILD"
}

# deb_of KEY ROLE: the cached .deb of that role (image, headers, ...) of
# that kernel, from the list ci/fetch.sh wrote.
deb_of() { mc_use_kernel "$1"; awk -v r="$2" '$1 == r { print $2 }' "$K_DIR/debs.list"; }

# mc_own_tree KEY: that kernel's build tree is its own, in the cache
# ($K_DIR/tree): a debug kernel (ci/debug-kernel.sh) or a local row's (a
# kernel its user built), not a Debian headers package.
mc_own_tree() { mc_use_kernel "$1"; [ "$K_LAYOUT" = debug ] || [ "$K_LAYOUT" = local ]; }

# mc_kdir KEY: where modules for KEY are built (inside the chroot the same
# path is bind-mounted, so paths are identical inside and outside). A debug
# kernel's tree (ci/debug-kernel.sh), or a local row's (a kernel its user
# built), stays in the cache and is bind-mounted.
mc_kdir()
{
	if mc_own_tree "$1"; then
		echo "$K_DIR/tree"
	elif [ -n "$K_CHROOT_SUITE" ]; then
		echo "/usr/src/linux-headers-$K_REL"
	else
		echo "$K_DIR/root/usr/src/linux-headers-$K_REL"
	fi
}

mc_chroot_dir() { echo "$MC_CACHE/chroots/$1"; }

# mc_debug_source KEY: for a debug row, download and verify its
# linux-source package (ci/fetch-source.sh --deb) and set D_SERIES (X.Y),
# D_VER and D_DEB; or return 1 with the reason in R_WHY.
mc_debug_source()
{
	mc_use_kernel "$1"
	D_SERIES=$(cut -d. -f1,2 <<<"$K_REL")
	if ! read -r D_VER D_DEB < <(MOVCOMPAT_SOURCE_SUITES=$K_SUITE bash "$MC_CI/fetch-source.sh" --deb "$D_SERIES"); then
		R_WHY="linux-source-$D_SERIES is not in suite $K_SUITE"
	elif [ "$D_VER" != "$K_VER" ]; then
		R_WHY="suite $K_SUITE has linux-source-$D_SERIES $D_VER, row $K_KEY asks for $K_VER: update its version and release in ci/kernels.list"
	else
		return 0
	fi
	return 1
}

# mc_kdir_host KEY: the same tree as mc_kdir KEY, seen from the host.
mc_kdir_host()
{
	if ! mc_own_tree "$1" && [ -n "$K_CHROOT_SUITE" ]; then
		echo "$(mc_chroot_dir "$K_CHROOT_SUITE")$(mc_kdir "$1")"
	else
		mc_kdir "$1"
	fi
}

# mc_chroot_run ROOT BINDS CMD...: the one chroot runner of ci/: CMD in the
# chroot ROOT, inside a private mount namespace where each path of BINDS
# (space separated) is bind-mounted at its own path and /proc is mounted,
# with a clean environment (PATH, HOME=/root, TMPDIR=/tmp), in / or in
# $MC_CHROOT_WD when that is set. Nothing stays mounted afterwards.
mc_chroot_run()
{
	local root=$1 binds=$2
	shift 2
	MC_BINDS=$binds MC_WD=${MC_CHROOT_WD:-/} \
	unshare --mount --propagation private bash -c '
		set -e
		c=$1
		shift
		for p in $MC_BINDS; do
			mkdir -p "$p" "$c$p"
			mount --bind "$p" "$c$p"
		done
		mount -t proc proc "$c/proc"
		exec chroot "$c" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TMPDIR=/tmp MC_WD="$MC_WD" \
			bash -c "cd \"\$MC_WD\" && exec \"\$@\"" bash "$@"
	' bash "$root" "$@"
}

# The semantic patches' corpus (ci/cocci-test.sh, ci/bench-cocci.sh): a
# file of a kernel tree uses an API they cover when it matches this
MC_COCCI_CORPUS_RE='\.isolate_page|\.migratepage|\.migrate_page\b|__SetPageMovable|__ClearPageMovable|\bPageMovable|balloon_aops|balloon_mops|b_dev_info|MIGRATEPAGE_SUCCESS|balloon_page_|balloon_dev_info'
# mc_cocci_corpus TREE: those files of TREE, one path a line (./dir/file)
mc_cocci_corpus() { (cd "$1" && grep -rlE "$MC_COCCI_CORPUS_RE" --include='*.[ch]' . | sort); }

# The chroot with the newest Coccinelle (ci/cocci-test.sh builds it), and
# mc_spatch_new ARGS...: its spatch, run in the current directory with the
# repository, the build tree and the source cache bind-mounted.
MC_COCCI_SUITE=${MOVCOMPAT_COCCI_SUITE:-trixie}
MC_COCCI_ROOT=$MC_CACHE/chroots/cocci-$MC_COCCI_SUITE
mc_spatch_new()
{
	MC_CHROOT_WD=$PWD mc_chroot_run "$MC_COCCI_ROOT" "$MC_TOP $MC_BUILD $MC_CACHE/sources" spatch "$@"
}

# mc_in_env KEY CMD...: run CMD in that kernel's build environment: on the
# host, or in its chroot (mc_chroot_run) with the repository, the build
# tree, a debug or local kernel's cache entry and $MC_EXTRA_BIND
# bind-mounted at their own paths.
mc_in_env()
{
	local extra=${MC_EXTRA_BIND:-}
	mc_use_kernel "$1"
	shift
	if [ -z "$K_CHROOT_SUITE" ]; then
		"$@"
		return
	fi
	! mc_own_tree "$K_KEY" || extra="$extra $K_DIR"
	mc_chroot_run "$(mc_chroot_dir "$K_CHROOT_SUITE")" "$MC_TOP $MC_BUILD $extra" "$@"
}

# mc_debootstrap SUITE DIR LOG [PACKAGES [APT-PACKAGES...]]: a minbase
# chroot of SUITE at DIR from the machine's mirror, with PACKAGES (comma
# separated; debootstrap adds their dependencies) and then APT-PACKAGES
# installed by apt-get inside it (for packages whose maintainer scripts
# debootstrap cannot run, e.g. coccinelle's OCaml libraries), unless DIR
# is complete already. It is built in DIR.tmp in a private mount namespace
# and moved into place, marked .movcompat-ok, only when complete; the
# output goes to LOG. Returns 1 with LOG's last lines on stderr on failure.
mc_debootstrap()
{
	local suite=$1 dir=$2 log=$3 inc=${4:-}
	shift 3
	[ $# = 0 ] || shift
	[ -e "$dir/.movcompat-ok" ] && return 0
	mc_need debootstrap debootstrap
	mc_need unshare util-linux
	rm -rf "$dir.tmp"
	mkdir -p "$(dirname "$dir")"
	if ! unshare --mount --propagation private debootstrap --variant=minbase \
		${inc:+--include="$inc"} "$suite" "$dir.tmp" "$(mc_mirror "$suite")" >"$log" 2>&1 ||
	   ! { [ $# = 0 ] || mc_chroot_run "$dir.tmp" "" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; }; then
		tail -n 5 "$log" >&2
		return 1
	fi
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	touch "$dir/.movcompat-ok"
}

# mc_chroot_install KEY LOG PKG...: install the packages of PKG... that
# that kernel's chroot lacks (apt-get, no recommends), under the chroot lock
# that ci/toolchain.sh takes; apt's output goes to LOG. Returns 1 with the
# last lines of LOG on stderr when apt fails.
mc_chroot_install()
{
	local key=$1 log=$2 croot
	shift 2
	mc_use_kernel "$key"
	croot=$(mc_chroot_dir "$K_CHROOT_SUITE")
	(
		flock 9
		# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
		missing=$(mc_chroot_run "$croot" "" dpkg-query -W -f '${Package} ${Status}\n' "$@" 2>/dev/null |
			awk '$NF == "installed" { ok[$1] = 1 } END { for (p in ok) print p }' |
			sort | comm -13 - <(printf '%s\n' "$@" | sort) | tr '\n' ' ')
		[ -n "${missing// /}" ] || exit 0
		mc_log "$K_KEY" chroot "installing into chroot $K_CHROOT_SUITE: $missing"
		mc_in_env "$key" sh -c "apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing" \
			>"$log" 2>&1 || { tail -n 5 "$log" >&2; exit 1; }
	) 9>"$MC_CACHE/chroots/.lock"
}

# ---------------------------------------------------------------- mirrors

# mc_mirror SUITE: the archive URI for a suite, from the machine's apt
# configuration (deb822 debian.sources, else sources.list). Security suites
# use the URI apt has for its security suite. MOVCOMPAT_MIRROR and
# MOVCOMPAT_SECURITY_MIRROR override.
mc_mirror()
{
	local suite=$1 kind=main uri=
	case $suite in *-security) kind=security ;; esac
	if [ $kind = security ] && [ -n "${MOVCOMPAT_SECURITY_MIRROR:-}" ]; then
		echo "$MOVCOMPAT_SECURITY_MIRROR"; return
	fi
	if [ $kind = main ] && [ -n "${MOVCOMPAT_MIRROR:-}" ]; then
		echo "$MOVCOMPAT_MIRROR"; return
	fi
	uri=$(mc_apt_uris | awk -v k=$kind '$1 == k { print $2; exit }')
	if [ -z "$uri" ] && [ $kind = security ]; then
		uri=$(mc_apt_uris | awk '$1 == "main" { print $2; exit }')
		[ -n "$uri" ] && uri=${uri%/}-security
	fi
	[ -n "$uri" ] || mc_die "no Debian mirror found in apt's configuration (/etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list); set MOVCOMPAT_MIRROR=URI"
	echo "${uri%/}"
}

# mc_apt_uris: "main URI" / "security URI" lines from apt's sources.
mc_apt_uris()
{
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
			/^[[:space:]]*$/ { if (u != "") emit(); u = ""; s = ""; t = ""; next }
			/^URIs:/ { u = $2 }
			/^Suites:/ { s = $0 }
			/^Types:/ { t = $0 }
			function emit() {
				if (t !~ /deb( |$)/) return
				print (s ~ /-security/ ? "security" : "main"), u
			}
			END { if (u != "") emit() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" {
			u = ""; s = ""
			for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if (u == "") u = $i; else if (s == "") s = $i }
			print (s ~ /-security/ ? "security" : "main"), u }' "$f"
	done
}

# ---------------------------------------------------------------- indexes

# index_file SUITE [refresh]: path of the cached, uncompressed Packages index
# of a suite (ci/fetch.sh, ci/fetch-source.sh), downloaded from the mirror
# when missing or older than MOVCOMPAT_INDEX_MAX_AGE seconds (default a day).
index_file()
{
	local suite=$1 f=$MC_CACHE/index/$1.Packages url age max=${MOVCOMPAT_INDEX_MAX_AGE:-86400}
	mkdir -p "$MC_CACHE/index"
	(
		flock 9
		# download when missing, older than the maximum age, or when a
		# refresh is asked for and the copy is older than ten minutes
		age=$max
		[ -s "$f" ] && age=$(($(date +%s) - $(stat -c %Y "$f")))
		stale=$((age >= max))
		[ "${2:-}" = refresh ] && [ "$age" -gt 600 ] && stale=1
		if [ "$stale" = 1 ]; then
			url=$(mc_mirror "$suite")/dists/$suite/main/binary-amd64/Packages.xz
			if curl -sSfL --retry 2 -o "$f.xz.tmp" "$url" 2>"$f.err" &&
			   xz -dc "$f.xz.tmp" >"$f.tmp"; then
				mv "$f.tmp" "$f"
			elif [ -s "$f" ]; then
				echo "index of $suite could not be refreshed ($(head -c 200 "$f.err")); using the cached one" >&2
			fi
			rm -f "$f.xz.tmp" "$f.tmp" "$f.err"
		fi
	) 9>"$f.lock"
	[ -s "$f" ] && echo "$f"
}

# index_entries INDEX PACKAGE: "Version Filename SHA256" for every entry of
# PACKAGE in a Packages index (ci/fetch.sh, ci/fetch-source.sh).
index_entries()
{
	awk -v p="$2" '
		/^Package: / { pk = $2; ver = ""; fn = ""; sh = "" }
		/^Version: / { ver = $2 }
		/^Filename: / { fn = $2 }
		/^SHA256: / { sh = $2 }
		/^$/ { if (pk == p && fn != "") print ver, fn, sh; pk = "" }
		END { if (pk == p && fn != "") print ver, fn, sh }' "$1"
}

# mc_fetch_deb URL SHA256 DEB: DEB downloaded from URL unless the cached copy
# (with its DEB.sha256 stamp) already has that SHA256; the download must
# match it. Returns 1 with the reason in MC_FETCH_WHY when it cannot.
mc_fetch_deb()
{
	local url=$1 sha=$2 deb=$3 got
	MC_FETCH_WHY=
	[ -s "$deb" ] && [ "$(cat "$deb.sha256" 2>/dev/null)" = "$sha" ] && return 0
	mkdir -p "$(dirname "$deb")"
	if ! curl -sSfL --retry 2 -o "$deb.tmp" "$url" 2>"$deb.err"; then
		MC_FETCH_WHY="download of $(basename "$deb") failed: $(tr '\n' ' ' <"$deb.err" | head -c 200)"
		rm -f "$deb.tmp" "$deb.err"
		return 1
	fi
	rm -f "$deb.err"
	got=$(sha256sum "$deb.tmp" | cut -d' ' -f1)
	if [ "$got" != "$sha" ]; then
		rm -f "$deb.tmp"
		MC_FETCH_WHY="SHA256 mismatch for $(basename "$deb"): the index says $sha, the download has $got"
		return 1
	fi
	mv "$deb.tmp" "$deb"
	echo "$sha" >"$deb.sha256"
}

# mc_suite_package SUITE PACKAGE: a package of any suite (its newest entry in
# the suite's index), downloaded into the cache and unpacked once into
# $MC_CACHE/tools/PACKAGE_VERSION, whose path is printed; for tools the
# host's release lacks (nothing is installed). Returns 1 naming the reason.
mc_suite_package()
{
	local suite=$1 pkg=$2 idx ver fn sha dir
	idx=$(index_file "$suite") || { echo "no package index of $suite" >&2; return 1; }
	read -r ver fn sha < <(index_entries "$idx" "$pkg" | sort -V | tail -n 1)
	[ -n "$ver" ] || { echo "$pkg is not in $suite" >&2; return 1; }
	dir=$MC_CACHE/tools/${pkg}_$ver
	if [ ! -e "$dir/.unpacked" ]; then
		mc_fetch_deb "$(mc_mirror "$suite")/$(sed -e 's/+/%2B/g' -e 's/~/%7E/g' <<<"$fn")" "$sha" \
			"$MC_CACHE/debs/$(basename "$fn")" || { echo "$MC_FETCH_WHY" >&2; return 1; }
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$MC_CACHE/debs/$(basename "$fn")" "$dir" && touch "$dir/.unpacked" ||
			{ echo "could not unpack $(basename "$fn")" >&2; return 1; }
	fi
	echo "$dir"
}

# ---------------------------------------------------------------- results

# mc_step_result KERNEL STEP STATUS SECONDS DETAIL [CPU]: one row (tab
# separated) of build/results/steps.tsv, the set-up steps' log (fetch,
# toolchain: PASS, FAIL or UNAVAILABLE) and the time of each step: wall
# seconds and, where measured, CPU seconds (mc_cpu_secs); no test is
# counted from it.
mc_step_result()
{
	mkdir -p "$MC_RESULTS"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "${6:--}" >>"$MC_RESULTS/steps.tsv"
}

# mc_step_done KERNEL STEP STATUS DETAIL T TICKS: mc_step_result for a step
# that began at T (mc_now) and TICKS (mc_cpu_ticks, in this same shell)
mc_step_done()
{
	local cpu
	mc_cpu_secs cpu "$6"
	mc_step_result "$1" "$2" "$3" "$(mc_since "$5")" "$4" "$cpu"
}

# mc_copy_kernel_tree SRC DST: a copy of a kernel headers tree whose
# top-level relative links (Debian's scripts, tools) point at the original's
# targets, so that the copy builds wherever it is (the harness tests spoil
# such copies on purpose)
mc_copy_kernel_tree()
{
	local l
	cp -a "$1" "$2" || return 1
	for l in "$1"/*; do
		[ -L "$l" ] && ln -sfn "$(readlink -f "$l")" "$2/$(basename "$l")"
	done
	return 0
}

# mc_result SUITE KERNEL TEST STATUS SECONDS DETAIL: one row of
# build/results/tests.tsv, the one results file every suite writes (STATUS:
# PASS, FAIL or SKIP; KERNEL "-" for none; tabs and newlines in DETAIL
# become blanks).
mc_result()
{
	local detail=${6//$'\t'/ }
	detail=${detail//$'\n'/ }
	mkdir -p "$MC_RESULTS"
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$detail" >>"$MC_RESULTS/tests.tsv"
}

# mc_check TAG KERNEL TEST STATUS SECONDS DETAIL: a harness script's row
# of tests.tsv (suite "harness") and its progress line "TEST: STATUS:
# DETAIL" under TAG; a STATUS other than PASS sets MC_CHECK_RC=1, the
# status the script exits with.
MC_CHECK_RC=0
mc_check()
{
	mc_result harness "$2" "$3" "$4" "$5" "$6"
	[ "$4" = PASS ] || MC_CHECK_RC=1
	mc_log "$2" "$1" "$3: $4: $6"
}

# mc_phase_table: where a run's time went, from build/results/steps.tsv:
# set-up (host packages, each kernel's fetch and toolchain), module builds,
# VM boots (each boot group), and each suite's own time; per phase the wall
# seconds of its steps and the CPU seconds they used. Lanes run side by
# side (kernels, the static checks beside the matrix), so a phase's busy
# seconds may add up to more than the wall clock printed below them. The
# run's own CPU seconds (every process it waited for), divided by the
# cores, are the least wall clock any schedule of the same work could
# take: a run near that floor is faster only with less work.
mc_phase_table()
{
	local f=$MC_RESULTS/steps.tsv cpu cores
	[ -s "$f" ] || return 0
	mc_cpu_secs cpu 0
	cores=$(nproc)
	echo
	echo "Where the time went (busy seconds summed over parallel lanes, and the CPU seconds they used;"
	echo "a suite's figures include its steps above):"
	awk -F'\t' -v wall="$(mc_since "$MC_T0")" -v cpu="$cpu" -v cores="$cores" '
		function add(k, s, c) {
			if (!(k in sum)) ord[++no] = k
			sum[k] += s; n[k]++
			if (c != "" && c != "-") { csum[k] += c; cn[k]++ }
		}
		function row(k, cnt) {
			printf "  %-44s %8.1f s  %9s  %s\n", k, sum[k],
			       cn[k] ? sprintf("%8.1f s", csum[k]) : "       - ", cnt
		}
		$2 == "deps" || $2 == "fetch" || $2 == "toolchain" { add("set-up: packages, kernels, chroots", $4, $6) }
		$2 == "build" { add("module builds (matrix)", $4, $6) }
		$2 == "boot" { add("VM boots (matrix)", $4, $6) }
		$2 ~ /^suite:/ { k = "suite " substr($2, 7) " (" $5 ")"; add(k, $4, $6) }
		END {
			printf "  %-44s %10s  %9s\n", "", "busy", "CPU"
			order = "set-up: packages, kernels, chroots|module builds (matrix)|VM boots (matrix)"
			m = split(order, first, "|")
			for (i = 1; i <= m; i++)
				if (first[i] in sum)
					row(first[i], "(" n[first[i]] ")")
			for (j = 1; j <= no; j++) {
				k = ord[j]
				skip = 0
				for (i = 1; i <= m; i++) if (k == first[i]) skip = 1
				if (!skip)
					row(k, "")
			}
			printf "  %-44s %8.1f s  %8.1f s\n", "wall clock; CPU of the whole run", wall, cpu
			printf "  %-44s %8.1f s  (CPU / %d cores: no schedule of this work is faster)\n", "least wall clock", cpu / cores, cores
		}' "$f"
}

# ---------------------------------------------------------------- benchmarks

# mc_median: the median of the numbers on stdin, one a line (0 for none)
mc_median() { sort -g | awk '{ v[++n] = $1 } END { if (!n) print 0; else print (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) }'; }

# mc_bench_qemu_args CLOCK: the QEMU options of a benchmark clock: "icount"
# (guest instruction time, unmoved by a busy host) or "wall" (none)
mc_bench_qemu_args() { [ "$1" != icount ] || echo "-icount shift=0,sleep=off"; }

# mc_report_results [NOTE]: the end of a run's output from
# build/results/tests.tsv: the failed rows, where the results are (and
# NOTE), the time since the start and the closing line "N passed, N
# failed[, N skipped]". Returns 1 when a row failed.
mc_report_results()
{
	local r=$MC_RESULTS/tests.tsv pass fail skip
	pass=$(awk -F'\t' '$4 == "PASS"' "$r" | wc -l)
	fail=$(awk -F'\t' '$4 == "FAIL"' "$r" | wc -l)
	skip=$(awk -F'\t' '$4 == "SKIP"' "$r" | wc -l)
	if [ "$fail" != 0 ]; then
		echo
		echo "Failed:"
		awk -F'\t' '$4 == "FAIL" { printf "  %-8s %-9s %-28s %s\n", $1, $2, $3, $6 }' "$r"
	fi
	echo
	echo "results: $r${1:+, $1} (took $(mc_since "$MC_T0")s)"
	if [ "$skip" != 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" = 0 ]
}

# mc_options USAGE SPEC... -- "$@": the one option parser of ci/. Each SPEC
# names an option and the variable it sets:
#   --name=VAR    takes a value (--name VALUE), stored in VAR
#   --name!VAR    a flag: VAR=1
#   --name+ARRAY  takes a value, appended to ARRAY (the option may repeat)
#   @ARRAY        the operands (arguments that are not options) go to
#                 ARRAY; without it an operand is an error
#   --            (in "$@") the rest are operands
# An unknown option, an operand nobody takes or a missing value ends the
# script with "unknown option ...; USAGE" (exit 64). Its own variables are
# named _mo_*, so that no VAR of a caller is shadowed.
mc_options()
{
	local _mo_usage=$1 _mo_s _mo_name _mo_var _mo_kind _mo_found _mo_operands=
	local -a _mo_specs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_mo_specs+=("$1")
		[ "${1#@}" = "$1" ] || _mo_operands=${1#@}
		shift
	done
	shift
	[ -z "$_mo_operands" ] || eval "$_mo_operands=()"
	while [ $# -gt 0 ]; do
		case $1 in
		--)
			shift
			[ -n "$_mo_operands" ] || [ $# = 0 ] || mc_die "unexpected '$1'; $_mo_usage" 64
			[ $# = 0 ] || eval "$_mo_operands+=(\"\$@\")"
			return 0 ;;
		-?*)
			_mo_found=
			for _mo_s in "${_mo_specs[@]}"; do
				case $_mo_s in
				--*=*) _mo_name=${_mo_s%%=*} _mo_var=${_mo_s#*=} _mo_kind=value ;;
				--*!*) _mo_name=${_mo_s%%!*} _mo_var=${_mo_s#*!} _mo_kind=flag ;;
				--*+*) _mo_name=${_mo_s%%+*} _mo_var=${_mo_s#*+} _mo_kind=append ;;
				*) continue ;;
				esac
				[ "$_mo_name" = "$1" ] || continue
				_mo_found=1
				if [ $_mo_kind = flag ]; then
					printf -v "$_mo_var" 1
					shift
					break
				fi
				[ $# -ge 2 ] || mc_die "option $1 needs a value; $_mo_usage" 64
				if [ $_mo_kind = value ]; then
					printf -v "$_mo_var" '%s' "$2"
				else
					eval "$_mo_var+=(\"\$2\")"
				fi
				shift 2
				break
			done
			[ -n "$_mo_found" ] || mc_die "unknown option '$1'; $_mo_usage" 64 ;;
		*)
			[ -n "$_mo_operands" ] || mc_die "unexpected '$1'; $_mo_usage" 64
			eval "$_mo_operands+=(\"\$1\")"
			shift ;;
		esac
	done
}

# mc_need CMD PACKAGE...: die with what to do when a command is missing.
mc_need()
{
	local cmd=$1
	shift
	command -v "$cmd" >/dev/null 2>&1 ||
		mc_die "'$cmd' not found: run 'bash ci/deps.sh' (installs $*)"
}
