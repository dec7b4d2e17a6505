/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat_blkdev.h (movram's own) - the block-layer calls a small
 * bio-based driver (a RAM disk) needs, spelled once for every kernel from
 * 3.10 to 7.3.
 *
 * The block layer changed under such drivers many times: the entry point was
 * the request queue's make_request_fn (returning void, a blk_qc_t from v4.4)
 * until block_device_operations.submit_bio took over in v5.9 (returning void
 * from v5.16); a bio ended with bio_endio(bio, error), then bio->bi_error
 * (v4.3), then bio->bi_status and blk_status_t (v4.13); bio_op() replaced
 * the REQ_DISCARD flag in v4.8; the disk and its queue were allocated
 * separately (alloc_disk() + blk_alloc_queue(), the driver cleaning up the
 * queue) until v5.14, then together by blk_alloc_disk(node); from v6.9
 * blk_alloc_disk() takes the queue limits and returns an ERR_PTR; add_disk()
 * returns an error from v5.15; bio->bi_disk (v4.14) became bio->bi_bdev
 * again in v5.12; QUEUE_FLAG_DISCARD went away in v5.19; memcpy_page()
 * (kmap_local) is v5.12+. Which spelling applies is decided by the
 * probes/ compile-time probes beside it (never by the version number).
 *
 * Use: the driver writes a handler that returns the bio's status and leaves
 * ending the bio to this header:
 *
 *	static blk_status_t mydrv_handle_bio(struct bio *bio)
 *	{
 *		switch (movcompat_bio_op(bio)) {
 *		case MOVCOMPAT_BIO_READ: ...
 *			return movcompat_bio_walk_pages(bio, mydrv_rw, &io);
 *		...
 *	}
 *	static MOVCOMPAT_SUBMIT_BIO_T mydrv_submit_bio(MOVCOMPAT_SUBMIT_BIO_ARGS)
 *	{
 *		movcompat_bio_end(bio, mydrv_handle_bio(bio));
 *		return MOVCOMPAT_SUBMIT_BIO_DONE;
 *	}
 *
 *	static const struct block_device_operations fops = {
 *		.owner = THIS_MODULE,
 *		MOVCOMPAT_BLK_FOPS_SUBMIT_BIO(mydrv_submit_bio)
 *	};
 *
 *	disk = movcompat_blk_alloc_disk(&limits, NUMA_NO_NODE, 1,
 *					mydrv_submit_bio);
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
#ifdef MOVCOMPAT_HAVE_SCHED_MM_H
#include <linux/sched/mm.h>	/* memalloc_noio_save() */
#else
#include <linux/sched.h>
#endif

#ifndef SECTOR_SHIFT		/* <linux/blkdev.h> from v4.18 */
#define SECTOR_SHIFT	9
#endif

#ifndef MOVCOMPAT_HAVE_BLK_STATUS_T
/*
 * Before v4.13 a bio ended with an errno: the status a handler returns is
 * that errno here (movcompat_bio_end() hands it on).
 */
#define blk_status_t		int
#define BLK_STS_OK		0
#define BLK_STS_NOTSUPP		(-EOPNOTSUPP)
#define BLK_STS_RESOURCE	(-ENOMEM)
#define BLK_STS_IOERR		(-EIO)
#endif

/*
 * The bio-based driver's entry point, with this kernel's signature:
 * block_device_operations.submit_bio (v5.9; returns void from v5.16), else
 * the request queue's make_request_fn (returns a blk_qc_t from v4.4). The
 * driver defines it as
 *
 *	static MOVCOMPAT_SUBMIT_BIO_T mydrv_submit_bio(MOVCOMPAT_SUBMIT_BIO_ARGS)
 *	{
 *		movcompat_bio_end(bio, mydrv_handle_bio(bio));
 *		return MOVCOMPAT_SUBMIT_BIO_DONE;
 *	}
 *
 * (the parameters always include struct bio *bio) and names it in its fops
 * with MOVCOMPAT_BLK_FOPS_SUBMIT_BIO() and to movcompat_blk_alloc_disk().
 */
#if defined(MOVCOMPAT_HAVE_BLK_FOPS_SUBMIT_BIO) && \
	defined(MOVCOMPAT_HAVE_BLK_SUBMIT_BIO_VOID)
#define MOVCOMPAT_SUBMIT_BIO_T		void
#define MOVCOMPAT_SUBMIT_BIO_ARGS	struct bio *bio
#define MOVCOMPAT_SUBMIT_BIO_DONE
typedef void (*movcompat_blk_submit_fn)(struct bio *bio);
#elif defined(MOVCOMPAT_HAVE_BLK_FOPS_SUBMIT_BIO)
#define MOVCOMPAT_SUBMIT_BIO_T		blk_qc_t
#define MOVCOMPAT_SUBMIT_BIO_ARGS	struct bio *bio
#define MOVCOMPAT_SUBMIT_BIO_DONE	BLK_QC_T_NONE
typedef blk_qc_t (*movcompat_blk_submit_fn)(struct bio *bio);
#elif defined(MOVCOMPAT_HAVE_BLK_MAKE_REQUEST_QC)
#define MOVCOMPAT_SUBMIT_BIO_T		blk_qc_t
#define MOVCOMPAT_SUBMIT_BIO_ARGS	struct request_queue *q, struct bio *bio
#define MOVCOMPAT_SUBMIT_BIO_DONE	BLK_QC_T_NONE
typedef blk_qc_t (*movcompat_blk_submit_fn)(struct request_queue *q,
					    struct bio *bio);
#else
#define MOVCOMPAT_SUBMIT_BIO_T		void
#define MOVCOMPAT_SUBMIT_BIO_ARGS	struct request_queue *q, struct bio *bio
#define MOVCOMPAT_SUBMIT_BIO_DONE
typedef void (*movcompat_blk_submit_fn)(struct request_queue *q,
					struct bio *bio);
#endif

/**
 * movcompat_bio_end() - end a bio with a status.
 * @bio: the bio.
 * @st: BLK_STS_OK or an error status.
 */
static inline void movcompat_bio_end(struct bio *bio, blk_status_t st)
{
#if defined(MOVCOMPAT_HAVE_BLK_STATUS_T)
	bio->bi_status = st;
	bio_endio(bio);
#elif defined(MOVCOMPAT_HAVE_BLK_BIO_BI_ERROR)
	bio->bi_error = st;
	bio_endio(bio);
#else
	bio_endio(bio, st);
#endif
}

/**
 * MOVCOMPAT_BLK_FOPS_SUBMIT_BIO - the block_device_operations member for
 *	the entry point (empty where the queue carries it, before v5.9).
 * @name: the driver's entry point (MOVCOMPAT_SUBMIT_BIO_ARGS).
 */
#ifdef MOVCOMPAT_HAVE_BLK_FOPS_SUBMIT_BIO
#define MOVCOMPAT_BLK_FOPS_SUBMIT_BIO(name)	.submit_bio = (name),
#else
#define MOVCOMPAT_BLK_FOPS_SUBMIT_BIO(name)
#endif

/**
 * enum movcompat_bio_op - what a bio asks for.
 * @MOVCOMPAT_BIO_READ: read into the bio's pages.
 * @MOVCOMPAT_BIO_WRITE: write the bio's pages (empty for a flush).
 * @MOVCOMPAT_BIO_DISCARD: the range's contents may be dropped.
 * @MOVCOMPAT_BIO_OTHER: anything else (the driver says BLK_STS_NOTSUPP).
 */
enum movcompat_bio_op {
	MOVCOMPAT_BIO_READ,
	MOVCOMPAT_BIO_WRITE,
	MOVCOMPAT_BIO_DISCARD,
	MOVCOMPAT_BIO_OTHER,
};

/**
 * movcompat_bio_op() - what @bio asks for.
 * @bio: the bio.
 *
 * Return: its enum movcompat_bio_op.
 */
static inline enum movcompat_bio_op movcompat_bio_op(struct bio *bio)
{
#ifdef MOVCOMPAT_HAVE_BLK_BIO_OP
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		return MOVCOMPAT_BIO_READ;
	case REQ_OP_WRITE:
		return MOVCOMPAT_BIO_WRITE;
	case REQ_OP_DISCARD:
		return MOVCOMPAT_BIO_DISCARD;
	default:
		return MOVCOMPAT_BIO_OTHER;
	}
#else
	if (bio->bi_rw & REQ_DISCARD)
		return MOVCOMPAT_BIO_DISCARD;
	return bio_data_dir(bio) == WRITE ? MOVCOMPAT_BIO_WRITE :
					    MOVCOMPAT_BIO_READ;
#endif
}

/**
 * movcompat_bio_sector() - the first sector @bio addresses.
 * @bio: the bio.
 *
 * Return: the sector.
 */
static inline sector_t movcompat_bio_sector(struct bio *bio)
{
#ifdef MOVCOMPAT_HAVE_BLK_BVEC_ITER
	return bio->bi_iter.bi_sector;
#else
	return bio->bi_sector;
#endif
}

/**
 * movcompat_bio_bytes() - the size of @bio's range in bytes.
 * @bio: the bio.
 *
 * Return: the bytes (of a discard too, which has no pages).
 */
static inline unsigned int movcompat_bio_bytes(struct bio *bio)
{
#ifdef MOVCOMPAT_HAVE_BLK_BVEC_ITER
	return bio->bi_iter.bi_size;
#else
	return bio->bi_size;
#endif
}

/* one segment of @len bytes at @off in @page, for the disk at @sector */
typedef blk_status_t (*movcompat_bio_page_fn)(void *arg, struct page *page,
					      unsigned int off,
					      unsigned int len,
					      sector_t sector);

/**
 * movcompat_bio_walk_pages() - call @fn for each page segment of @bio.
 * @bio: a read or write bio.
 * @fn: called for each segment, with @arg.
 * @arg: passed to @fn.
 *
 * Return: BLK_STS_OK, or the first error @fn returned (it stops there).
 */
static inline blk_status_t
movcompat_bio_walk_pages(struct bio *bio, movcompat_bio_page_fn fn, void *arg)
{
	sector_t sector = movcompat_bio_sector(bio);
	blk_status_t st;
#ifdef MOVCOMPAT_HAVE_BLK_BVEC_ITER
	struct bvec_iter iter;
	struct bio_vec bv;

	bio_for_each_segment(bv, bio, iter) {
		st = fn(arg, bv.bv_page, bv.bv_offset, bv.bv_len, sector);
		if (st)
			return st;
		sector += bv.bv_len >> SECTOR_SHIFT;
	}
#else
	struct bio_vec *bv;
	int i;

	bio_for_each_segment(bv, bio, i) {
		st = fn(arg, bv->bv_page, bv->bv_offset, bv->bv_len, sector);
		if (st)
			return st;
		sector += bv->bv_len >> SECTOR_SHIFT;
	}
#endif
	return BLK_STS_OK;
}

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
#if defined(MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_DISCARD) && \
	defined(MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_SET)
	blk_queue_flag_set(QUEUE_FLAG_DISCARD, q);
#elif defined(MOVCOMPAT_HAVE_BLK_QUEUE_FLAG_DISCARD)
	queue_flag_set_unlocked(QUEUE_FLAG_DISCARD, q);
#endif
}
#endif

/**
 * movcompat_blk_alloc_disk() - allocate a gendisk with its request queue.
 * @l: the queue limits.
 * @node: NUMA node (NUMA_NO_NODE for any).
 * @minors: minor numbers to reserve (1: no partitions).
 * @submit: the driver's entry point (MOVCOMPAT_SUBMIT_BIO_ARGS); the queue
 *	carries it before v5.9 (from then on the fops do, and this is unused).
 *
 * The caller fills major, first_minor, fops, private_data and disk_name,
 * sets the capacity and calls movcompat_blk_add_disk().
 *
 * Return: the disk or an ERR_PTR().
 */
static inline struct gendisk *
movcompat_blk_alloc_disk(const struct movcompat_blk_limits *l, int node,
			 int minors, movcompat_blk_submit_fn submit)
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
	struct request_queue *q;

#if defined(MOVCOMPAT_HAVE_BLK_FOPS_SUBMIT_BIO)
	q = blk_alloc_queue(node);
#elif defined(MOVCOMPAT_HAVE_BLK_ALLOC_QUEUE_MAKE_REQUEST)
	q = blk_alloc_queue(submit, node);
#else
	q = blk_alloc_queue(GFP_KERNEL);
	if (q)
		blk_queue_make_request(q, submit);	/* before the limits */
#endif
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

#endif /* _MOVCOMPAT_BLKDEV_H */
