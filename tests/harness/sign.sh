#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make sign: a test key made now (never committed) signs a module with the
# kernel's sign-file through ci/sign.sh; modinfo must show the key as the
# signer and the kernel's hash. Then the default kernel boots with
# module.sig_enforce=1 (tests/harness/guest-sig.sh): a Debian-signed module
# loads, the module signed with the test key (which that kernel does not
# trust: it trusts only its build key) and the unsigned one are refused.
# A module signed with a key the kernel trusts is not shown loading with
# our key: that needs a kernel built with it, or MOK enrolment on a Secure
# Boot machine (docs/backends.md). Rows in build/results/tests.tsv (suite
# "harness", tests sign-*).
#
# usage: tests/harness/sign.sh [KEY]   (default: the default kernel)

. "$(dirname "$0")/../../ci/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
mc_kernel "$key"
w=$MC_BUILD/sign
rm -rf "$w"
mkdir -p "$w" "$MC_RESULTS"
rc=0
row() # TEST STATUS SECONDS DETAIL
{
	mc_result harness "$key" "$1" "$2" "$3" "$4"
	[ "$2" = PASS ] || rc=1
	mc_log "$key" sign "$1: $2: $4"
}

t=$(mc_now)
cat >"$w/x509.genkey" <<'CNF'
[ req ]
default_bits = 2048
distinguished_name = req_distinguished_name
prompt = no
string_mask = utf8only
x509_extensions = myexts
[ req_distinguished_name ]
CN = movcompat test key
[ myexts ]
basicConstraints=critical,CA:FALSE
keyUsage=digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
CNF
openssl req -new -nodes -utf8 -sha256 -days 1 -batch -x509 -config "$w/x509.genkey" \
	-outform PEM -out "$w/test-key.pem" -keyout "$w/test-key.pem" >"$w/openssl.log" 2>&1 ||
	{ row sign-modinfo FAIL "$(mc_since "$t")" "openssl could not make a test key: $(tail -n 1 "$w/openssl.log")"; exit 1; }
bash "$MC_CI/build.sh" "$key" "$MC_TOP/tests/harness/smoke" "$w/smoke" >"$w/build.log" 2>&1 ||
	{ row sign-modinfo FAIL "$(mc_since "$t")" "building tests/harness/smoke failed (see $w/build.log)"; exit 1; }
cp "$w/smoke/mc_smoke.ko" "$w/mc_smoke_unsigned.ko"
cp "$w/smoke/mc_smoke.ko" "$w/mc_smoke_testkey.ko"
bash "$MC_CI/sign.sh" --key "$w/test-key.pem" --cert "$w/test-key.pem" --kernels "$key" "$w/mc_smoke_testkey.ko" >"$w/sign.log" 2>&1
signer=$(modinfo -F signer "$w/mc_smoke_testkey.ko" 2>/dev/null)
algo=$(modinfo -F sig_hashalgo "$w/mc_smoke_testkey.ko" 2>/dev/null)
unsigned=$(modinfo -F signer "$w/mc_smoke_unsigned.ko" 2>/dev/null)
want=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$(mc_kdir_host)/.config")
if [ "$signer" = "movcompat test key" ] && [ "$algo" = "${want:-sha256}" ] && [ -z "$unsigned" ]; then
	row sign-modinfo PASS "$(mc_since "$t")" "modinfo: signer '$signer', sig_hashalgo $algo; the unsigned copy has no signer"
else
	row sign-modinfo FAIL "$(mc_since "$t")" "modinfo: signer '$signer' (want 'movcompat test key'), sig_hashalgo '$algo' (want ${want:-sha256}), unsigned copy's signer '$unsigned' (see $w/sign.log)"
fi

# a module the kernel's build key signed: from Debian's image package
t=$(mc_now)
deb=$(ls "$MC_CACHE"/debs/linux-image-"$K_REL"*_"$K_VER"_amd64.deb 2>/dev/null | head -n 1)
mkdir -p "$w/image"
[ -n "$deb" ] && dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$w/image" --wildcards '*/kernel/lib/crc7.ko*' 2>/dev/null
crc7=$(find "$w/image" -name 'crc7.ko' | head -n 1)
if [ -z "$crc7" ]; then
	row sign-enforce FAIL 0 "no crc7.ko in the kernel's image package (${deb:-not in the cache}) for the positive control"
	exit 1
fi
cp "$crc7" "$w/crc7.ko"
if bash "$MC_CI/vm.sh" "$key" --guest "sig=$MC_TOP/tests/harness/guest-sig.sh" --module "$w/crc7.ko" \
	--module "$w/mc_smoke_testkey.ko" --module "$w/mc_smoke_unsigned.ko" --name sign \
	--append module.sig_enforce=1 >"$w/vm.log" 2>&1; then
	row sign-enforce PASS "$(mc_since "$t")" "module.sig_enforce=1: Debian-signed crc7.ko loads; test-key-signed and unsigned mc_smoke refused"
else
	row sign-enforce FAIL "$(mc_since "$t")" "$(grep 'MCT FAIL' "$MC_BUILD/$key/vm-sign/console.log" | head -n 2 | tr '\n' ' ') (see $w/vm.log)"
fi
exit $rc
