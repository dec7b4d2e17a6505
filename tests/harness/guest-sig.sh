# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the module-signing test, booted with module.sig_enforce=1:
# a module Debian signed with the kernel's own build key (crc7.ko from the
# image package) must load (so the enforcement is not simply refusing
# everything), while mc_smoke signed with a test key the kernel does not
# trust, and mc_smoke unsigned, must both be refused.
if [ "$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)" = Y ]; then
	t_pass sig-enforce-on
else
	t_fail sig-enforce-on "module.sig_enforce is not Y: $(cat /sys/module/module/parameters/sig_enforce 2>&1)"
fi
if insmod /modules/crc7.ko 2>/tmp/err; then
	t_pass trusted-key-loads "crc7.ko, signed with the kernel's build key"
	rmmod crc7
else
	t_fail trusted-key-loads "$(cat /tmp/err)"
fi
for m in mc_smoke_testkey mc_smoke_unsigned; do
	dmesg -c >/dev/null
	if insmod /modules/$m.ko 2>/tmp/err; then
		t_fail "$m-refused" "it loaded under module.sig_enforce=1"
		rmmod mc_smoke
	else
		t_pass "$m-refused" "$(cat /tmp/err) $(dmesg | tail -n 1 | sed 's/^\[[^]]*\] //')"
	fi
done
