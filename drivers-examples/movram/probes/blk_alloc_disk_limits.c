// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_ALLOC_DISK_LIMITS
 * blk_alloc_disk() takes a struct queue_limits * and returns an ERR_PTR.
 * Added by 74fa8f9c553f ("block: pass a queue_limits argument to
 *   blk_alloc_disk") in v6.9.
 */
#include <linux/blkdev.h>

struct gendisk *movcompat_probe(void)
{
	struct queue_limits lim = { .max_hw_discard_sectors = 8 };

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
}
