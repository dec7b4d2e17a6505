/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat_blkdev.h (movram's own) - the block-layer calls a small
 * bio-based driver (a RAM disk) needs, spelled once for every kernel from
 * 5.10 to 7.3.
 *
 * The block layer changed under such drivers several times: the disk and its
 * queue were allocated separately (alloc_disk() + blk_alloc_queue(), the
 * driver cleaning up the queue) until v5.14, then together by
 * blk_alloc_disk(node); from v6.9 blk_alloc_disk() takes the queue limits and
 * returns an ERR_PTR; add_disk() returns an error from v5.15; submit_bio
 * returns void from v5.16; bio->bi_disk became bio->bi_bdev in v5.12;
 * QUEUE_FLAG_DISCARD went away in v5.19; memcpy_page() (kmap_local) is v5.12+.
 * Which spelling applies is decided by the probes/blk_*.c compile-time
 * probes beside it (never by the version number).
 *
 * Use:
 *	static MOVCOMPAT_SUBMIT_BIO_T mydrv_submit_bio(struct bio *bio)
 *	{ ...; bio_endio(bio); return MOVCOMPAT_SUBMIT_BIO_DONE; }
 *	static const struct block_device_operations fops = {
 *		.owner = THIS_MODULE, .submit_bio = mydrv_submit_bio, };
 *
 *	disk = movcompat_blk_alloc_disk(&limits, NUMA_NO_NODE, 1);
 *	...fill disk->major, first_minor, fops, private_data, disk_name...
 *	err = movcompat_blk_add_disk(disk);
 *	if (err) movcompat_blk_put_disk(disk);
 *	...
 *	movcompat_blk_del_disk(disk);	(on unload)
 */
#ifndef _MOVCOMPAT_BLKDEV_H
#define _MOVCOMPAT_BLKDEV_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include "movcompat_config.h"

/**
 * struct movcompat_blk_limits - the queue limits a RAM-disk-like driver sets.
 * @physical_block_size: bytes (0: the logical block size, 512).
 * @max_discard_sectors: largest discard in 512-byte sectors (0: no discard).
 * @discard_granularity: bytes; the driver frees whole units of this size.
 */
struct movcompat_blk_limits {
	unsigned int physical_block_size;
	unsigned int max_discard_sectors;
	unsigned int discard_granularity;
};

#if !defined(MOVCOMPAT_HAVE_BLK_ALLOC_DISK_LIMITS)
static inline void movcompat__blk_set_limits(struct request_queue *q,
					     const struct movcompat_blk_limits *l)
{
	if (l->physical_block_size)
		blk_queue_physical_block_size(q, l->physical_block_size);
	if (!l->max_discard_sectors)
		return;
	blk_queue_max_discard_sectors(q, l->max_discard_sectors);
	q->limits.discard_granularity = l->discard_granularity;
#ifdef MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_DISCARD
	blk_queue_flag_set(QUEUE_FLAG_DISCARD, q);
#endif
}
#endif

/**
 * movcompat_blk_alloc_disk() - allocate a gendisk with its request queue.
 * @l: the queue limits.
 * @node: NUMA node (NUMA_NO_NODE for any).
 * @minors: minor numbers to reserve (1: no partitions).
 *
 * The caller fills major, first_minor, fops, private_data and disk_name,
 * sets the capacity and calls movcompat_blk_add_disk().
 *
 * Return: the disk or an ERR_PTR().
 */
static inline struct gendisk *
movcompat_blk_alloc_disk(const struct movcompat_blk_limits *l, int node,
			 int minors)
{
	struct gendisk *disk;
#if defined(MOVCOMPAT_HAVE_BLK_ALLOC_DISK_LIMITS)
	struct queue_limits lim = {
		.physical_block_size = l->physical_block_size,
		.max_hw_discard_sectors = l->max_discard_sectors,
		.discard_granularity = l->discard_granularity,
	};

	disk = blk_alloc_disk(&lim, node);
	if (IS_ERR(disk))
		return disk;
#elif defined(MOVCOMPAT_HAVE_BLK_ALLOC_DISK_NODE)
	disk = blk_alloc_disk(node);
	if (!disk)
		return ERR_PTR(-ENOMEM);
	movcompat__blk_set_limits(disk->queue, l);
#else
	struct request_queue *q = blk_alloc_queue(node);

	if (!q)
		return ERR_PTR(-ENOMEM);
	disk = alloc_disk_node(minors, node);
	if (!disk) {
		blk_cleanup_queue(q);
		return ERR_PTR(-ENOMEM);
	}
	disk->queue = q;
	movcompat__blk_set_limits(q, l);
#endif
	disk->minors = minors;
	return disk;
}

/**
 * movcompat_blk_add_disk() - make the disk visible (add_disk()).
 * @disk: from movcompat_blk_alloc_disk().
 *
 * Return: 0 or a negative errno; on error free the disk with
 * movcompat_blk_put_disk().
 */
static inline int movcompat_blk_add_disk(struct gendisk *disk)
{
#ifdef MOVCOMPAT_HAVE_BLK_ADD_DISK_INT
	return add_disk(disk);
#else
	add_disk(disk);
	return 0;
#endif
}

/**
 * movcompat_blk_put_disk() - free a disk that was never added (or whose
 *	movcompat_blk_add_disk() failed).
 * @disk: from movcompat_blk_alloc_disk().
 */
static inline void movcompat_blk_put_disk(struct gendisk *disk)
{
#if defined(MOVCOMPAT_HAVE_BLK_CLEANUP_QUEUE) && \
	!defined(MOVCOMPAT_HAVE_BLK_ALLOC_DISK_NODE)
	/* queue allocated separately: a disk that was never added holds no
	 * reference to it (as brd of that era: detach, put, clean up)
	 */
	struct request_queue *q = disk->queue;

	disk->queue = NULL;
	put_disk(disk);
	blk_cleanup_queue(q);
#elif defined(MOVCOMPAT_HAVE_BLK_CLEANUP_QUEUE)
	blk_cleanup_queue(disk->queue);		/* blk_cleanup_disk() */
	put_disk(disk);
#else
	put_disk(disk);
#endif
}

/**
 * movcompat_blk_del_disk() - remove an added disk and free it.
 * @disk: a disk added with movcompat_blk_add_disk().
 *
 * del_gendisk() stops new I/O and, with the queue clean-up of older kernels,
 * waits for the bios in flight; when this returns the driver's submit_bio
 * no longer runs for @disk. Callers cannot unload a module whose disk is open
 * (the block layer holds a reference on fops->owner while it is).
 */
static inline void movcompat_blk_del_disk(struct gendisk *disk)
{
#if defined(MOVCOMPAT_HAVE_BLK_CLEANUP_QUEUE)
	struct request_queue *q = disk->queue;

	del_gendisk(disk);
	blk_cleanup_queue(q);
	put_disk(disk);
#else
	del_gendisk(disk);
	put_disk(disk);
#endif
}

/**
 * movcompat_bio_disk() - the disk a bio was submitted to.
 * @bio: the bio.
 *
 * Return: the gendisk.
 */
static inline struct gendisk *movcompat_bio_disk(struct bio *bio)
{
#ifdef MOVCOMPAT_HAVE_BLK_BIO_BI_BDEV
	return bio->bi_bdev->bd_disk;
#else
	return bio->bi_disk;
#endif
}

/**
 * movcompat_memcpy_page() - copy bytes between two pages, highmem-safe.
 * @dst: destination page.
 * @dst_off: offset in @dst.
 * @src: source page.
 * @src_off: offset in @src.
 * @len: bytes; both ranges stay inside their page.
 *
 * memcpy_page() where the kernel has it, else the kmap_atomic() spelling of
 * its era. Does not sleep.
 */
static inline void movcompat_memcpy_page(struct page *dst, size_t dst_off,
					 struct page *src, size_t src_off,
					 size_t len)
{
#ifdef MOVCOMPAT_HAVE_BLK_MEMCPY_PAGE
	memcpy_page(dst, dst_off, src, src_off, len);
#else
	char *d = kmap_atomic(dst);
	char *s = kmap_atomic(src);

	memcpy(d + dst_off, s + src_off, len);
	kunmap_atomic(s);
	kunmap_atomic(d);
#endif
}

/**
 * movcompat_memzero_page() - zero bytes of a page, highmem-safe.
 * @page: the page.
 * @off: offset in @page.
 * @len: bytes; the range stays inside the page.
 */
static inline void movcompat_memzero_page(struct page *page, size_t off,
					  size_t len)
{
#ifdef MOVCOMPAT_HAVE_BLK_MEMCPY_PAGE
	memset_page(page, off, 0, len);		/* same commit as memcpy_page() */
#else
	char *p = kmap_atomic(page);

	memset(p + off, 0, len);
	kunmap_atomic(p);
#endif
}

/*
 * block_device_operations.submit_bio returns void from v5.16 (blk_qc_t
 * before). Define the method with this kernel's signature:
 *
 *	static MOVCOMPAT_SUBMIT_BIO_T mydrv_submit_bio(struct bio *bio)
 *	{
 *		...end the bio...
 *		return MOVCOMPAT_SUBMIT_BIO_DONE;
 *	}
 */
#ifdef MOVCOMPAT_HAVE_BLK_SUBMIT_BIO_VOID
#define MOVCOMPAT_SUBMIT_BIO_T		void
#define MOVCOMPAT_SUBMIT_BIO_DONE
#else
#define MOVCOMPAT_SUBMIT_BIO_T		blk_qc_t
#define MOVCOMPAT_SUBMIT_BIO_DONE	BLK_QC_T_NONE
#endif

#endif /* _MOVCOMPAT_BLKDEV_H */
