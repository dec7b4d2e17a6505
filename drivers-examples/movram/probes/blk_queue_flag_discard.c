// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_DISCARD
 * QUEUE_FLAG_DISCARD must be set for discard (later: max_discard_sectors > 0 is enough).
 * Upstream: v2.6.x to v5.18; removed by 70200574cc22 "block: remove QUEUE_FLAG_DISCARD", v5.19
 */
#include <linux/blkdev.h>

int movcompat_probe = QUEUE_FLAG_DISCARD;
