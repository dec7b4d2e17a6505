// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_MOUNT_PSEUDO
 * mount_pseudo() is available for mounting pseudo filesystems.
 * Added in v3.8 or earlier (commit not verified; present in the v3.8.0 tree).
 * Removed by 8d9e46d80777 ("fold mount_pseudo_xattr() into
 *   pseudo_fs_get_tree()") in v5.3.
 */
#include <linux/fs.h>

void *movcompat_probe = mount_pseudo;
