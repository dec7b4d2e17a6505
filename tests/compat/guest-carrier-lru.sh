# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the carrier's page->lru test: mc_pages_faults (a debug
# build: MOVCOMPAT_FAULTS=y) in a carrier domain puts page 0 on a list of
# its own through page->lru while the page is in service, which the balloon
# core owns then. The debug build must say so by name when the page is
# released (instead of the kernel's list corruption report), and unloading
# must be clean.
M=mc_pages_faults
t_load $M npages=16 carrier=1 lru_abuse=1 fragment=0 || { return 0 2>/dev/null || exit 0; }
t_unload $M
if dmesg | grep -q "a carried page's page->lru was changed"; then
	t_pass carrier-lru-misuse-detected
else
	t_fail carrier-lru-misuse-detected "no movcompat message about page->lru after the driver used it"
fi
