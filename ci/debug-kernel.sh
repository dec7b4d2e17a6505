#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of a "debug" row of ci/kernels.list from Debian's
# linux-source-X.Y package: x86_64_defconfig + kvm_guest.config +
# ci/debug-kernel.config (KASAN, KFENCE, DEBUG_VM, DEBUG_PAGEALLOC, lockdep,
# ...), compiled with the row's compiler in its chroot, -j the CPUs, no
# debug info, only the modules defconfig itself builds. Results:
#   $K_DIR/tree     the build tree, kept as the headers tree modules build
#                   against (object files of the kernel proper removed)
#   $K_DIR/boot     vmlinuz (bzImage), vmlinux (PVH-bootable ELF), config
# Cached: the key is the source package's SHA256, the fragment, the
# compiler's version and the build recipe's number; a matching key is a
# cache hit. A build that finished but was not installed (the script was
# stopped after make) is installed without building again.
#
# usage: ci/debug-kernel.sh KEY
# exit:  0 built or cached, 1 build failed (log tail printed), 2 the source
#        package is unavailable, 64 bad arguments

. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || mc_die "usage: ci/debug-kernel.sh KEY (a debug row of ci/kernels.list)" 64
key=$1
mc_kernel "$key"
[ "$K_LAYOUT" = debug ] || mc_die "kernel $K_KEY is not a debug row (layout '$K_LAYOUT')" 64
[ -n "$K_CHROOT_SUITE" ] || mc_die "kernel $K_KEY: debug kernels build in a chroot (env chroot-SUITE:gcc-N)" 64

FRAG=$MC_CI/debug-kernel.config
t0=$(mc_now)

# the source package: the row's version, from its suite
mc_debug_source "$key" || { mc_log "$K_KEY" debug "UNAVAILABLE: $R_WHY"; exit 2; }

croot=$(mc_chroot_dir "$K_CHROOT_SUITE")
[ -e "$croot/.movcompat-ok" ] ||
	mc_die "chroot $K_CHROOT_SUITE missing: run 'bash ci/toolchain.sh $K_KEY'"
ccver=$(mc_in_env "$key" "$K_CC" --version | head -n 1)
# what the kernel is built from; bump RECIPE when the way it is configured
# or built changes (the steps after the build are not part of it)
RECIPE=1
key=$({ cat "$D_DEB.sha256"; cat "$FRAG"; echo "$ccver recipe $RECIPE"; } | sha256sum | cut -c1-16)
tree=$K_DIR/tree
boot=$K_DIR/boot
if [ "$(cat "$tree/.movcompat-debug" 2>/dev/null)" = "$key" ] &&
   [ "$(cat "$boot/.stamp" 2>/dev/null)" = "$key" ]; then
	mc_log "$K_KEY" debug "cache hit ($K_REL from linux-source-$D_SERIES $D_VER, key $key)"
	exit 0
fi

# The chroot gets the kernel's own build dependencies (once; under the
# chroot lock, as toolchain.sh changes it).
mc_chroot_install "$key" "$K_DIR/debug-deps.log" flex bison libelf-dev libssl-dev perl xz-utils cpio python3 ||
	mc_die "could not install the kernel build dependencies into chroot $K_CHROOT_SUITE (see $K_DIR/debug-deps.log)"

build_tree()
{
	mc_log "$K_KEY" debug "unpacking linux-source-$D_SERIES $D_VER"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	dpkg-deb --fsys-tarfile "$D_DEB" | tar -xO --wildcards './usr/src/linux-source-*.tar.*' |
		xz -dc | tar -x -C "$tree.tmp" --strip-components=1 ||
		mc_die "could not unpack $D_DEB"
	mv "$tree.tmp" "$tree"
	# "# if any" lines name symbols only some versions have
	sed -e 's/[[:space:]]*# if any.*//' "$FRAG" >"$tree/.movcompat-debug.config"

	log=$K_DIR/debug-build.log
	jobs=$(nproc)
	mc_log "$K_KEY" debug "configuring (defconfig + kvm_guest.config + ci/debug-kernel.config)"
	# shellcheck disable=SC2016 # expanded by the inner shell
	if ! mc_in_env "$key" bash -c '
		set -e
		cd "$1"
		make -s CC="$2" HOSTCC="$2" defconfig
		scripts/kconfig/merge_config.sh -m .config kernel/configs/kvm_guest.config .movcompat-debug.config
		make -s CC="$2" HOSTCC="$2" olddefconfig
	' bash "$tree" "$K_CC" >"$log" 2>&1; then
		mc_log "$K_KEY" debug "FAIL: configuration; last lines of $log:"
		tail -n 10 "$log" >&2
		exit 1
	fi

	# every line of the fragment must hold, but for the "# if any" ones
	bad=
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want=$line sym=${line%%=*} ;;
		"# CONFIG_"*" is not set") sym=${line#\# } sym=${sym%% *} want="# $sym is not set" ;;
		*) continue ;;
		esac
		optional=0
		grep -q "^$sym=.*# if any" "$FRAG" && optional=1
		if grep -qxF "$want" "$tree/.config"; then
			continue
		fi
		# "is not set" also holds when the symbol is absent altogether
		case $want in "# "*) grep -q "^$sym=" "$tree/.config" || continue ;; esac
		if [ $optional = 1 ]; then
			mc_log "$K_KEY" debug "note: $sym does not exist in $D_SERIES (optional line)"
		else
			bad="$bad $sym"
		fi
	done <"$tree/.movcompat-debug.config"
	[ -z "$bad" ] || mc_die "kernel $K_KEY: ci/debug-kernel.config asks for$bad, but 'make olddefconfig' of linux-source-$D_SERIES did not keep them (a dependency is missing: see 'grep -A20 \"config ${bad# }\"' in the source's Kconfig files)"

	mc_log "$K_KEY" debug "building $K_REL with $K_CC, -j$jobs (cold: tens of minutes on 2 cores; log: $log)"
	t=$(mc_now)
	if ! mc_in_env "$key" \
		make -C "$tree" -j"$jobs" CC="$K_CC" HOSTCC="$K_CC" all >>"$log" 2>&1; then
		mc_log "$K_KEY" debug "FAIL: build after $(mc_since "$t")s; last lines of $log:"
		grep -E 'error:|Error [0-9]' "$log" | head -n 10 >&2
		tail -n 5 "$log" >&2
		exit 1
	fi
	mc_log "$K_KEY" debug "built in $(mc_since "$t")s"
	echo "$key" >"$tree/.movcompat-built"
}

if [ "$(cat "$tree/.movcompat-built" 2>/dev/null)" = "$key" ]; then
	mc_log "$K_KEY" debug "build of $K_REL already done (key $key); installing it"
else
	build_tree
fi
mkdir -p "$boot"
rel=$(cat "$tree/include/config/kernel.release")
[ "$rel" = "$K_REL" ] ||
	mc_die "kernel $K_KEY: the source built release '$rel', the row says '$K_REL': fix the release column in ci/kernels.list"

cp "$tree/arch/x86/boot/bzImage" "$boot/vmlinuz"
cp "$tree/.config" "$boot/config"
# Guests boot the bzImage: at the PVH entry this KASAN kernel resets
# before its first console line (QEMU 7.2 TCG, 6.12.117), although the
# ELF has the PVH note.
rm -f "$boot/vmlinux"
touch "$boot/no-pvh"
# The tree stays as the headers tree of out-of-tree builds: the kernel's
# own objects go (several GB with KASAN), the build tools, generated
# headers, Module.symvers and .config stay.
find "$tree" -name '*.o' ! -path "$tree/scripts/*" ! -path "$tree/tools/*" -delete
rm -f "$tree/vmlinux" "$tree/vmlinux.a" "$tree/vmlinux.o"
echo "$key" >"$tree/.movcompat-debug"
echo "$key" >"$boot/.stamp"
echo "source $D_DEB" >"$K_DIR/debs.list"
mc_log "$K_KEY" debug "ready: $K_REL in $(mc_since "$t0")s ($(du -sh "$tree" | cut -f1) tree)"
