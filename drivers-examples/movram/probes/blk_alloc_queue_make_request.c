// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_ALLOC_QUEUE_MAKE_REQUEST
 * blk_alloc_queue() takes the make_request_fn and a node (before, a gfp
 *   mask and blk_queue_make_request() after it).
 * Added by 3d745ea5b095 ("block: simplify queue allocation") in v5.7.
 * Removed by c62b37d96b6e ("block: move ->make_request_fn to struct
 *   block_device_operations") in v5.9.
 */
#include <linux/blkdev.h>

static blk_qc_t p_make_request(struct request_queue *q, struct bio *bio)
{
	return BLK_QC_T_NONE;
}

struct request_queue *movcompat_probe(void)
{
	return blk_alloc_queue(p_make_request, NUMA_NO_NODE);
}
