// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_H
 * The renamed balloon header <linux/balloon.h> exists.
 * Added in v7.0 (commit not verified) by "mm: rename balloon_compaction.(c|h)
 *   to balloon.(c|h)" (David Hildenbrand); the rename series also brought
 *   CONFIG_BALLOON_MIGRATION.
 */
#include <linux/balloon.h>

struct balloon_dev_info movcompat_probe;
