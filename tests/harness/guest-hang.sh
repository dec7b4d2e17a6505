# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Guest side of the timeout test: never finishes.
echo "guest-hang: sleeping until the host's timeout kills the VM"
sleep 100000
