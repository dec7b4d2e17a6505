// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_ALLOC_DISK_NODE
 * blk_alloc_disk() takes only a node and returns NULL on failure.
 * Added by f525464a8000 ("block: add blk_alloc_disk and blk_cleanup_disk APIs")
 *   in v5.14.
 * Removed by 74fa8f9c553f ("block: pass a queue_limits argument to
 *   blk_alloc_disk") in v6.9.
 */
#include <linux/blkdev.h>

struct gendisk *movcompat_probe(void)
{
	return blk_alloc_disk(NUMA_NO_NODE);
}
