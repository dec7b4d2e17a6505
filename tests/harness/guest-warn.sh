# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the negative test: loading mc_warn fires a WARN_ON, which the
# host's console scan must report.
t_load mc_warn
t_unload mc_warn
