// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MOUNT_PSEUDO
 * mount_pseudo() / mount_pseudo_xattr() for pseudo filesystems.
 * Upstream: v2.6.x to v5.2 (replaced by init_pseudo in 8d9e46d80777, v5.3)
 */
#include <linux/fs.h>

void *movcompat_probe = mount_pseudo;
