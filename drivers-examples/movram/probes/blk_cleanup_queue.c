// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_CLEANUP_QUEUE
 * blk_cleanup_queue(): a bio-based driver owns its queue and must clean it up.
 * Upstream: v2.6.x to v5.19; removed in v6.0 ("block: remove blk_cleanup_queue", Christoph Hellwig)
 */
#include <linux/blkdev.h>

void (*movcompat_probe)(struct request_queue *) = blk_cleanup_queue;
