// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BALLOON_INODE
 * struct balloon_dev_info has an inode, whose i_mapping balloon_page_insert()
 * gives each balloon page (the a_ops there must be balloon_aops).
 * Added by b1123ea6d3b3 ("mm: balloon: use general non-lru movable page
 *   feature") in v4.8.
 * Removed by 68f2736a8583 ("mm: Convert all PageMovable users to
 *   movable_operations") in v6.0 (balloon_mops instead).
 */
#include <linux/balloon_compaction.h>

struct balloon_dev_info movcompat_probe = { .inode = NULL };
