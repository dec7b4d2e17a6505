// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_SUBMIT_BIO_VOID
 * block_device_operations.submit_bio returns void (blk_qc_t before).
 * Added by 3e08773c3841 ("block: switch polling to be bio based") in v5.16.
 */
#include <linux/blkdev.h>

static void p_submit(struct bio *bio) { }
const struct block_device_operations movcompat_probe = {
	.submit_bio = p_submit,
};
