// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_MAKE_REQUEST_QC
 * A request queue's make_request_fn returns a blk_qc_t (void before).
 * Added by dece16353ef4 ("block: change ->make_request_fn() and users to
 *   return a queue cookie") in v4.4.
 * Removed with make_request_fn by c62b37d96b6e ("block: move
 *   ->make_request_fn to struct block_device_operations") in v5.9.
 */
#include <linux/blkdev.h>

static blk_qc_t p_make_request(struct request_queue *q, struct bio *bio)
{
	return BLK_QC_T_NONE;
}

void movcompat_probe(make_request_fn **fn)
{
	*fn = p_make_request;
}
