#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS, with Debian's own dkms: the movram example, movcompat vendored into
# it, goes through dkms add, build, install, status and remove for one
# kernel, in a private DKMS tree, source tree and module tree under build/
# (--dkmstree, --sourcetree, --installtree; depmod -b on that tree instead
# of dkms's own, which only knows /lib/modules): nothing of the host's
# /lib/modules is touched. A host-built kernel (default: the default kernel)
# uses the host's dkms; a chroot-built kernel (7.x) uses its suite's own
# dkms, installed into that chroot (ci/lib.sh mc_chroot_install), and runs
# every dkms step inside the chroot. The module dkms installed is then
# booted in the kernel under QEMU with movram's VM test (compaction and
# offlining under I/O, every byte checked). DKMS's own signing hook is
# used as a user would: a framework.conf.d file naming sign_file,
# mok_signing_key and mok_certificate (a test key made here), bind-mounted
# over /etc/dkms/framework.conf.d in a private mount namespace for each dkms
# call; modinfo must show the test key as the installed module's signer. Rows in
# build/results/tests.tsv (suite "harness", tests dkms-STEP).
#
# usage: tests/harness/dkms.sh [KEY]   (default: the default kernel)

. "$(dirname "$0")/../../ci/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
mc_kernel "$key"
[ "$K_LAYOUT" != debug ] || mc_die "tests/harness/dkms.sh: $key is a debug kernel; give a Debian kernel of ci/kernels.list" 64
kdir=$(mc_kdir "$key")
rel=$K_REL
w=$MC_BUILD/dkms-$key
rm -rf "$w"
mkdir -p "$w/tree" "$w/src" "$w/root/lib/modules/$rel" "$MC_RESULTS"
ln -s "$kdir" "$w/root/lib/modules/$rel/build"
# a DKMS version: digits and dots (the commit count)
ver=0.$(git -C "$MC_TOP" rev-list --count HEAD 2>/dev/null || echo 0)
row() { mc_check dkms "$key" "$@"; } # TEST STATUS SECONDS DETAIL
# dkms_ ARGS...: dkms on the private trees, with $w/conf.d (the signing
# configuration) over /etc/dkms/framework.conf.d for this call only (in a
# chroot, mc_in_env's namespace is private already, and a chroot's root is
# no mount point whose propagation could change)
dkms_()
{
	local prop=private
	[ -z "$K_CHROOT_SUITE" ] || prop=unchanged
	# shellcheck disable=SC2016 # expanded by the inner shell
	mc_in_env "$key" unshare --mount --propagation $prop sh -c \
		'mount --bind "$0" /etc/dkms/framework.conf.d && exec dkms "$@"' "$w/conf.d" \
		--dkmstree "$w/tree" --sourcetree "$w/src" --installtree "$w/root/lib/modules" "$@"
}
# step NAME CMD...: one DKMS step, its output in $w/NAME.log
step()
{
	local name=$1 t
	shift
	t=$(mc_now)
	if "$@" >"$w/$name.log" 2>&1; then
		row "dkms-$name" PASS "$(mc_since "$t")" "$*"
		return 0
	fi
	row "dkms-$name" FAIL "$(mc_since "$t")" "$* failed: $(tail -n 2 "$w/$name.log" | tr '\n' ' ')"
	return 1
}

if [ -n "$K_CHROOT_SUITE" ]; then
	t=$(mc_now)
	if ! mc_chroot_install "$key" "$w/chroot-install.log" dkms; then
		row dkms-add FAIL "$(mc_since "$t")" "could not install dkms into chroot $K_CHROOT_SUITE; see $w/chroot-install.log"
		exit 1
	fi
elif ! command -v dkms >/dev/null 2>&1; then
	row dkms-add FAIL 0 "dkms is not installed (ci/deps.sh --test installs it)"
	exit 1
fi
mc_log "$key" dkms "$(mc_in_env "$key" dkms --version) in $([ -n "$K_CHROOT_SUITE" ] && echo "chroot $K_CHROOT_SUITE" || echo "the host")"
# the signing hook: a test key made now (never kept), named in a
# framework.conf.d file as DKMS's documentation says
mkdir -p "$w/conf.d"
if ! openssl req -new -x509 -nodes -days 1 -batch -newkey rsa:2048 -sha256 \
	-subj "/CN=movcompat dkms test key" -keyout "$w/mok.key" -out "$w/mok.pem" >"$w/openssl.log" 2>&1; then
	row dkms-add FAIL 0 "openssl could not make a test key: $(tail -n 1 "$w/openssl.log")"
	exit 1
fi
printf 'sign_file="%s"\nmok_signing_key="%s"\nmok_certificate="%s"\n' \
	"$kdir/scripts/sign-file" "$w/mok.key" "$w/mok.pem" >"$w/conf.d/movcompat-test.conf"
src=$w/src/movram-$ver
cp -a "$MC_TOP/drivers-examples/movram" "$src"
rm -f "$src"/*.ko "$src"/*.o
bash "$MC_CI/vendor.sh" "$src/movcompat" >/dev/null || { row dkms-add FAIL 0 "make vendor into $src failed"; exit 1; }
sed -i "s/@PACKAGE_VERSION@/$ver/" "$src/dkms.conf"

step add dkms_ add -m movram -v "$ver" &&
	step build dkms_ build -m movram -v "$ver" -k "$rel" --kernelsourcedir "$kdir" &&
	step install dkms_ install --no-depmod -m movram -v "$ver" -k "$rel" --kernelsourcedir "$kdir" &&
	step depmod mc_in_env "$key" depmod -b "$w/root" "$rel" || exit 1
t=$(mc_now)
st=$(dkms_ status -m movram -v "$ver" -k "$rel" 2>&1)
ko=$(find "$w/root/lib/modules/$rel" -name 'movram.ko*' | head -n 1)
if echo "$st" | grep -q "installed" && [ -n "$ko" ] && grep -q "movram.ko" "$w/root/lib/modules/$rel/modules.dep"; then
	row dkms-status PASS "$(mc_since "$t")" "$st; ${ko#"$w/root"}"
else
	row dkms-status FAIL "$(mc_since "$t")" "status '$st', module '${ko:-none}'"
fi

# DKMS's signing hook signed it with the test key
t=$(mc_now)
signer=$(modinfo -F signer "$ko" 2>/dev/null)
if [ "$signer" = "movcompat dkms test key" ]; then
	row dkms-signed PASS "$(mc_since "$t")" "modinfo: signer $signer, $(modinfo -F sig_hashalgo "$ko")"
else
	row dkms-signed FAIL "$(mc_since "$t")" "modinfo shows signer '${signer:-none}', not the test key named in framework.conf.d (see $w/build.log)"
fi

# boot what DKMS installed
t=$(mc_now)
cp "$ko" "$w/movram.ko"
if bash "$MC_CI/vm.sh" "$key" --guest "movram=$MC_TOP/tests/examples/guest-movram.sh" --module "$w/movram.ko" \
	--name dkms-movram --mem 2048 --append movablecore=1G >"$w/vm.log" 2>&1; then
	row dkms-boot PASS "$(mc_since "$t")" "the installed movram.ko passed movram's VM test: $(grep -o 'RESULT.*' "$MC_BUILD/$key/vm-dkms-movram/console.log" | head -n 1 | cut -c1-120)"
else
	row dkms-boot FAIL "$(mc_since "$t")" "see $w/vm.log and $MC_BUILD/$key/vm-dkms-movram/console.log"
fi

t=$(mc_now)
if step remove dkms_ remove -m movram -v "$ver" --all --no-depmod &&
	[ -z "$(dkms_ status -m movram 2>/dev/null)" ] && [ -z "$(find "$w/root/lib/modules/$rel" -name 'movram.ko*')" ]; then
	row dkms-removed PASS "$(mc_since "$t")" "no movram left in the DKMS tree or the module tree"
else
	row dkms-removed FAIL "$(mc_since "$t")" "movram is still in the DKMS tree or the module tree"
fi
exit $MC_CHECK_RC
