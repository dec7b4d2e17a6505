#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make sign: a test key made now (never committed) signs a module with the
# kernel's sign-file through ci/sign.sh; modinfo must show the key as the
# signer and the kernel's hash. Then the default kernel boots with
# module.sig_enforce=1 (tests/harness/guest-sig.sh): a Debian-signed module
# loads, the module signed with the test key (which that kernel does not
# trust: it trusts only its build key) and the unsigned one are refused.
# Then a kernel whose trusted keys we control: the same kernel booted by
# OVMF (UEFI) with the test key's certificate enrolled in the firmware's
# signature database, db (virt-fw-vars from the python3-virt-firmware
# package of MC_VIRT_FW_SUITE, unpacked into the cache; OVMF from the
# host's ovmf package). Debian's kernels load db into the platform keyring
# at boot, Secure Boot or not (CONFIG_LOAD_UEFI_KEYS), and verify a module
# against that keyring when no built-in key matches (Debian's patch "KEYS:
# Make use of platform keyring for module signature verify", Debian bug
# 935945; not in mainline): the module signed with the test key must load
# there, one signed with another key and the unsigned one must not. Rows
# in build/results/tests.tsv (suite "harness", tests sign-*).
#
# usage: tests/harness/sign.sh [KEY]   (default: the default kernel)

. "$(dirname "$0")/../../ci/lib.sh"

key=${1:-$MC_DEFAULT_KERNEL}
MC_VIRT_FW_SUITE=${MOVCOMPAT_VIRT_FW_SUITE:-trixie}
mc_kernel "$key"
w=$MC_BUILD/sign
rm -rf "$w"
mkdir -p "$w" "$MC_RESULTS"
row() { mc_check sign "$key" "$@"; } # TEST STATUS SECONDS DETAIL

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
want=$(sed -n 's/^CONFIG_MODULE_SIG_HASH="\(.*\)"/\1/p' "$(mc_kdir_host "$key")/.config")
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
	row sign-enforce FAIL "$(mc_since "$t")" "$(grep -E '\] +not ok ' "$MC_BUILD/$key/vm-sign/console.log" | head -n 2 | tr '\n' ' ') (see $w/vm.log)"
fi

# the test key enrolled in UEFI db
t=$(mc_now)
code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
if [ ! -r "$code" ] || [ ! -r "$vars" ]; then
	row sign-db-enrolled FAIL 0 "no $code or $vars: install the ovmf package (ci/deps.sh --test does)"
	exit 1
fi
if ! vfw=$(mc_suite_package "$MC_VIRT_FW_SUITE" python3-virt-firmware 2>"$w/vfw.err"); then
	row sign-db-enrolled FAIL "$(mc_since "$t")" "no virt-fw-vars: $(cat "$w/vfw.err")"
	exit 1
fi
# the Debian python3 with the host's python3-cryptography, -pefile and
# -importlib-resources (the package's dependencies; ci/deps.sh --test)
virt_fw_vars() { PYTHONPATH=$vfw/usr/lib/python3/dist-packages /usr/bin/python3 "$vfw/usr/bin/virt-fw-vars" "$@"; }
openssl x509 -in "$w/test-key.pem" -out "$w/test-cert.pem" 2>>"$w/openssl.log"
openssl req -new -nodes -sha256 -days 1 -batch -x509 -subj "/CN=movcompat other key" \
	-newkey rsa:2048 -keyout "$w/other-key.pem" -out "$w/other-cert.pem" >>"$w/openssl.log" 2>&1
cp "$w/mc_smoke_unsigned.ko" "$w/mc_smoke_otherkey.ko"
bash "$MC_CI/sign.sh" --key "$w/other-key.pem" --cert "$w/other-cert.pem" --kernels "$key" "$w/mc_smoke_otherkey.ko" >>"$w/sign.log" 2>&1
# the owner GUID of the db entry is ours ("movcom" in its last group)
if virt_fw_vars --input "$vars" --output "$w/vars.fd" \
	--add-db 3e2a6d3b-0c4f-4d7e-9a39-6d6f76636f6d "$w/test-cert.pem" >"$w/vfw.log" 2>&1 &&
   virt_fw_vars --input "$w/vars.fd" --print 2>&1 | grep -q '^db '; then
	row sign-db-enrolled PASS "$(mc_since "$t")" "test key's certificate in db of a copy of $(basename "$vars") ($(basename "$vfw"))"
else
	row sign-db-enrolled FAIL "$(mc_since "$t")" "virt-fw-vars could not enrol the test key in db: $(tail -n 2 "$w/vfw.log" | tr '\n' ' ')"
	exit 1
fi
t=$(mc_now)
if MOVCOMPAT_BOOT=bzimage MOVCOMPAT_QEMU_ARGS="-drive if=pflash,format=raw,readonly=on,file=$code -drive if=pflash,format=raw,file=$w/vars.fd" \
	bash "$MC_CI/vm.sh" "$key" --guest "sig-db=$MC_TOP/tests/harness/guest-sig.sh" --env MC_SIG_DB=1 \
	--module "$w/mc_smoke_testkey.ko" --module "$w/mc_smoke_otherkey.ko" --module "$w/mc_smoke_unsigned.ko" \
	--name sign-db --append module.sig_enforce=1 >"$w/vm-db.log" 2>&1; then
	row sign-db-loads PASS "$(mc_since "$t")" "UEFI boot, module.sig_enforce=1: the kernel took the test key from db; mc_smoke signed with it loads, signed with another key or unsigned refused"
else
	row sign-db-loads FAIL "$(mc_since "$t")" "$(grep -E '\] +not ok ' "$MC_BUILD/$key/vm-sign-db/console.log" | head -n 3 | tr '\n' ' ') (see $w/vm-db.log)"
fi
exit $MC_CHECK_RC
