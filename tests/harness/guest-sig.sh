# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the module-signing test, booted with module.sig_enforce=1.
# Without MC_SIG_DB: a module Debian signed with the kernel's own build key
# (crc7.ko from the image package) must load (so the enforcement is not
# simply refusing everything), while mc_smoke signed with a test key the
# kernel does not trust, and mc_smoke unsigned, must both be refused.
# With MC_SIG_DB=1 (booted by OVMF whose db holds the test key's
# certificate): the kernel must have loaded that certificate from UEFI db,
# mc_smoke signed with the test key must load, and mc_smoke signed with
# another key, and unsigned, must still be refused.
# must_load CHECK FILE MODULE WHAT: /modules/FILE.ko loads (then unloaded)
must_load()
{
	if insmod "/modules/$2.ko" 2>/tmp/err; then
		t_pass "$1" "$4"
		rmmod "$3"
	else
		t_fail "$1" "$(cat /tmp/err) $(dmesg | tail -n 1)"
	fi
}

if [ "$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)" = Y ]; then
	t_pass sig-enforce-on
else
	t_fail sig-enforce-on "module.sig_enforce is not Y: $(cat /sys/module/module/parameters/sig_enforce 2>&1)"
fi
if [ "${MC_SIG_DB:-0}" = 1 ]; then
	if dmesg | grep -q "Loaded X.509 cert 'movcompat test key"; then
		t_pass db-cert-loaded "$(dmesg | grep "Loaded X.509 cert 'movcompat test key" | sed 's/^\[[^]]*\] //')"
	else
		t_fail db-cert-loaded "the kernel did not load the test key's certificate from UEFI db: $(dmesg | grep -i 'UEFI:db\|platform keyring' | tr '\n' ' ')"
	fi
	must_load enrolled-key-loads mc_smoke_testkey mc_smoke "mc_smoke signed with the test key enrolled in db"
	refused="mc_smoke_otherkey mc_smoke_unsigned"
else
	must_load trusted-key-loads crc7 crc7 "crc7.ko, signed with the kernel's build key"
	refused="mc_smoke_testkey mc_smoke_unsigned"
fi
for m in $refused; do
	dmesg -c >/dev/null
	if insmod /modules/$m.ko 2>/tmp/err; then
		t_fail "$m-refused" "it loaded under module.sig_enforce=1"
		rmmod mc_smoke
	else
		t_pass "$m-refused" "$(cat /tmp/err) $(dmesg | tail -n 1 | sed 's/^\[[^]]*\] //')"
	fi
done
