// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_DISCARD
 * QUEUE_FLAG_DISCARD exists and must be set for discard support.
 * Added in v3.8 or earlier (commit not verified; present in the v3.8.0 tree).
 * Removed by 70200574cc22 ("block: remove QUEUE_FLAG_DISCARD") in v5.19.
 * Since then max_discard_sectors > 0 alone enables discard.
 */
#include <linux/blkdev.h>

int movcompat_probe = QUEUE_FLAG_DISCARD;
