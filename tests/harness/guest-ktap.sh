# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the KTAP test (tests/harness/ktap.sh): checks of every kind
# guest-lib.sh prints, with the details that could break a KTAP line (a
# '#', a newline); MC_KTAP_FAIL=1 adds a failing check.
t_pass plain
t_pass with-detail "a detail with a # in it"
t_pass multi-line "line one
line two"
t_skip skipped "nothing to skip on, on purpose"
t_info "a diagnostic line"
[ "${MC_KTAP_FAIL:-0}" = 1 ] && t_fail failing "failed on purpose"
t_check in-subshell sh -c 'true'
