// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_CLEANUP_QUEUE
 * blk_cleanup_queue() exists, so a bio-based driver must clean up its queue.
 * Added in v3.8 or earlier (commit not verified; present in the v3.8.0 tree).
 * Removed between v5.10 and v6.1 (commit not verified) by "block: remove
 *   blk_cleanup_queue" (Christoph Hellwig).
 */
#include <linux/blkdev.h>

void (*movcompat_probe)(struct request_queue *) = blk_cleanup_queue;
