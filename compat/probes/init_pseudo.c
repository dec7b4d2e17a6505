// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_INIT_PSEUDO
 * init_pseudo() from <linux/pseudo_fs.h> is available for pseudo filesystems.
 * Added by 31d6d5ce5340 ("vfs: Provide a mount_pseudo-replacement for the new
 *   mount API") in v5.3.
 */
#include <linux/pseudo_fs.h>

struct pseudo_fs_context *(*movcompat_probe)(struct fs_context *, unsigned long) = init_pseudo;
