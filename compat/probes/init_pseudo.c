// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_INIT_PSEUDO
 * init_pseudo(fs_context, magic) for pseudo filesystems.
 * Upstream: 8d9e46d80777 "fold mount_pseudo_xattr() into pseudo_fs_get_tree()", v5.3
 */
#include <linux/pseudo_fs.h>

struct pseudo_fs_context *(*movcompat_probe)(struct fs_context *, unsigned long) = init_pseudo;
