// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_ALLOC_DISK_NODE
 * blk_alloc_disk(node) returning NULL on failure (limits set on disk->queue).
 * Upstream: f525464a8000 "block: add blk_alloc_disk and blk_cleanup_disk APIs", v5.14;
 *   replaced in v6.9 by 74fa8f9c553f
 */
#include <linux/blkdev.h>

struct gendisk *movcompat_probe(void)
{
	return blk_alloc_disk(NUMA_NO_NODE);
}
