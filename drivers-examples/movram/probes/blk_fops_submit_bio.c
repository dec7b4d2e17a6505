// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_FOPS_SUBMIT_BIO
 * A bio-based driver's entry is block_device_operations.submit_bio (before,
 *   the make_request_fn of its request queue).
 * Added by c62b37d96b6e ("block: move ->make_request_fn to struct
 *   block_device_operations") in v5.9.
 */
#include <linux/blkdev.h>

bool movcompat_probe(const struct block_device_operations *fops)
{
	return fops->submit_bio;
}
