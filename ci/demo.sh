#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's main job: build for the default kernel, boot it under QEMU and
# show the result. (For now the harness smoke test; the example RAM disk
# showing its pages migrate replaces it when it lands.)

. "$(dirname "$0")/lib.sh"

bash "$MC_CI/matrix.sh" --kernels "$MC_DEFAULT_KERNEL" --only smoke
