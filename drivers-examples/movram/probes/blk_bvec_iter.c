// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_BLK_BVEC_ITER
 * A bio's position is bio->bi_iter (struct bvec_iter), and
 *   bio_for_each_segment() yields struct bio_vec values (before,
 *   bio->bi_sector and pointers with an int index).
 * Added by 4f024f3797c4 ("block: Abstract out bvec iterator") in v3.14.
 */
#include <linux/bio.h>

unsigned int movcompat_probe(struct bio *bio)
{
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int n = 0;

	bio_for_each_segment(bv, bio, iter)
		n += bv.bv_len;
	return n + bio->bi_iter.bi_sector;
}
