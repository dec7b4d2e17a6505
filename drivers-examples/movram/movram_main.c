// SPDX-License-Identifier: GPL-2.0
/*
 * movram - a RAM disk (like the kernel's brd) whose backing pages are
 * movable: compaction and memory-block offlining migrate them while the
 * disk is in use. One source for every kernel movcompat supports.
 *
 * Each disk keeps its pages in an index by page offset (an xarray, or a
 * radix tree before v4.20: movram_index.h); the per-page value
 * (movcompat_page_private()) holds the disk and offset. Pages are
 * allocated on first write and freed by discard. The rule that makes I/O
 * and migration safe together:
 *
 *  - the index slot of a page changes only under its lock; migrate_page
 *    (called with the page locked by the VM) swaps in the new page there;
 *  - I/O takes a reference and the page lock, then checks that the slot
 *    still holds that page (movram_get_locked()); a page being migrated is
 *    locked by the VM, so I/O waits for the migration and then retries with
 *    the new page. No I/O ever touches a page after its contents were copied.
 *
 * Module parameters: size (bytes per disk, K/M/G/T suffixes), count (disks).
 * debugfs movram/: stats (backend and counters), pfns (one pfn per page).
 */
#include <linux/debugfs.h>
#include <linux/ctype.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <movcompat/movcompat.h>
#include "movcompat_blkdev.h"
#include "movram_index.h"

#define MOVRAM_MAX_DISKS	16
#define MOVRAM_PAGE_SECTORS_SHIFT	(PAGE_SHIFT - SECTOR_SHIFT)
#define MOVRAM_PAGE_SECTORS	BIT(MOVRAM_PAGE_SECTORS_SHIFT)
/* page_private() of a disk page: disk number in the top bits, offset below */
#define MOVRAM_IDX_BITS		(BITS_PER_LONG - 4)
#define MOVRAM_IDX_MASK		((1UL << MOVRAM_IDX_BITS) - 1)

static unsigned long long size = 64ULL << 20;
static unsigned int count = 1;
static bool carrier;

/*
 * size=: a number (decimal, or 0x hex) with an optional K, M, G or T
 * suffix. Unlike memparse(), a value that does not fit in 64 bits is
 * refused instead of wrapping around to a small size.
 */
static int size_set(const char *val, const struct kernel_param *kp)
{
	static const char suffixes[] = "kmgt";	/* shift 10, 20, 30, 40 */
	size_t len = strcspn(val, "kKmMgGtT\n");
	const char *rest = val + len, *suffix;
	unsigned int shift = 0;
	unsigned long long v;
	char num[32];
	int ret;

	if (!len || len >= sizeof(num))
		goto bad;
	memcpy(num, val, len);
	num[len] = '\0';
	ret = kstrtoull(num, 0, &v);
	if (ret == -ERANGE)
		goto too_large;
	if (ret)
		goto bad;
	suffix = *rest ? strchr(suffixes, tolower(*rest)) : NULL;
	if (suffix) {
		shift = 10 * (suffix - suffixes + 1);
		rest++;
	}
	if (*rest == '\n')
		rest++;
	if (*rest)		/* anything after the number and its suffix */
		goto bad;
	if (v > ULLONG_MAX >> shift)
		goto too_large;
	*(unsigned long long *)kp->arg = v << shift;
	return 0;
too_large:
	pr_err("movram: size=%s does not fit in 64 bits\n", val);
	return -ERANGE;
bad:
	pr_err("movram: size=%s is not a size (examples: size=65536, size=64M, size=1G)\n",
	       val);
	return -EINVAL;
}

static int size_get(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%llu\n", *(unsigned long long *)kp->arg);
}

static const struct kernel_param_ops size_ops = {
	.set = size_set,
	.get = size_get,
};

module_param_cb(size, &size_ops, &size, 0444);
MODULE_PARM_DESC(size, "bytes per disk, K/M/G/T suffixes allowed, rounded up to a page (default 64M)");
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "number of disks /dev/movram0.. (1-16, default 1)");
module_param(carrier, bool, 0444);
MODULE_PARM_DESC(carrier, "ask movcompat for the balloon carrier where it exists (6.17+), else the automatic backend");

struct movram {
	unsigned int nr;
	struct gendisk *disk;
	struct movram_index pages;	/* page offset -> page */
	atomic_long_t nr_pages;
};

static struct movcompat_domain movram_dom;
static struct movram *movram_disks[MOVRAM_MAX_DISKS];
static int movram_major;
static struct dentry *movram_dir;
static atomic_long_t nr_isolated, nr_migrated, nr_putback, nr_retries,
	nr_raced, nr_discarded, nr_unmovable;

/* ---- page index ------------------------------------------------------ */

/* Take a reference on page @idx and lock it; NULL if there is none. */
static struct page *movram_get_locked(struct movram *mr, unsigned long idx)
{
	struct page *page;

	for (;;) {
		movram_index_lock(&mr->pages);
		page = movram_index_load(&mr->pages, idx);
		if (page)
			get_page(page);
		movram_index_unlock(&mr->pages);
		if (!page)
			return NULL;
		movcompat_lock_page(page);
		if (movram_index_load(&mr->pages, idx) == page)
			return page;
		/* migrated or discarded meanwhile: look again */
		unlock_page(page);
		put_page(page);
		atomic_long_inc(&nr_retries);
	}
}

/*
 * Allocate page @idx, zeroed, and publish it locked with a reference, like
 * movram_get_locked(). NULL if another writer published one first.
 */
static struct page *movram_insert_locked(struct movram *mr, unsigned long idx)
{
	struct page *page;
	int ret;

	page = movcompat_alloc_page(&movram_dom, GFP_NOIO | __GFP_HIGHMEM);
	if (!page)
		return ERR_PTR(-ENOMEM);
	clear_highpage(page);
	lock_page(page);	/* a fresh page: never waits */
	movcompat_page_set_private(&movram_dom, page,
				   ((unsigned long)mr->nr << MOVRAM_IDX_BITS) | idx);
	ret = movram_index_insert(&mr->pages, idx, page, GFP_NOIO);
	if (ret) {
		movcompat_page_set_private(&movram_dom, page, 0);
		unlock_page(page);
		movcompat_free_page(&movram_dom, page);	/* never movable */
		return ret == -EEXIST ? NULL : ERR_PTR(ret);
	}
	/* if it cannot be made movable it still serves, unmovable */
	if (movcompat_page_make_movable(&movram_dom, page))
		atomic_long_inc(&nr_unmovable);
	atomic_long_inc(&mr->nr_pages);
	get_page(page);		/* the caller's, as from movram_get_locked() */
	return page;
}

/* Take page @idx out of the disk and give it back to the kernel. */
static void movram_free_page(struct movram *mr, unsigned long idx)
{
	struct page *page = movram_get_locked(mr, idx);

	if (!page)
		return;
	movram_index_lock(&mr->pages);
	movram_index_erase_locked(&mr->pages, idx);
	movram_index_unlock(&mr->pages);
	movcompat_page_set_private(&movram_dom, page, 0);
	unlock_page(page);
	put_page(page);
	movcompat_page_release(&movram_dom, page);
	atomic_long_dec(&mr->nr_pages);
}

/* ---- migration callbacks --------------------------------------------- */

static bool movram_isolate_page(struct page *page, isolate_mode_t mode)
{
	atomic_long_inc(&nr_isolated);
	return true;
}

static int movram_migrate_page(struct page *dst, struct page *src,
			       enum migrate_mode mode)
{
	unsigned long key = movcompat_page_private(&movram_dom, src);
	unsigned long idx = key & MOVRAM_IDX_MASK;
	struct movram *mr = READ_ONCE(movram_disks[key >> MOVRAM_IDX_BITS]);

	if (!mr)
		return -EAGAIN;
	/* src is locked: no I/O can change it while we copy */
	copy_highpage(dst, src);
	movcompat_page_set_private(&movram_dom, dst, key);
	movram_index_lock(&mr->pages);
	if (movram_index_load(&mr->pages, idx) != src) {
		/* being discarded: its release waits for our lock */
		movram_index_unlock(&mr->pages);
		movcompat_page_set_private(&movram_dom, dst, 0);
		atomic_long_inc(&nr_raced);
		return -EAGAIN;
	}
	movram_index_replace_locked(&mr->pages, idx, dst);
	movram_index_unlock(&mr->pages);
	movcompat_page_set_private(&movram_dom, src, 0);
	movcompat_page_migrated(&movram_dom, dst, src);
	atomic_long_inc(&nr_migrated);
	return 0;
}

static void movram_putback_page(struct page *page)
{
	atomic_long_inc(&nr_putback);
}

static const struct movable_operations movram_mops = {
	.isolate_page = movram_isolate_page,
	.migrate_page = movram_migrate_page,
	.putback_page = movram_putback_page,
};

/* ---- block I/O ------------------------------------------------------- */

/* Copy @len bytes between @bpage at @boff and the disk at @sector. */
static blk_status_t movram_rw(struct movram *mr, struct page *bpage,
			      unsigned int boff, unsigned int len,
			      sector_t sector, bool write)
{
	while (len) {
		unsigned long idx = sector >> MOVRAM_PAGE_SECTORS_SHIFT;
		unsigned int off = (sector & (MOVRAM_PAGE_SECTORS - 1)) << SECTOR_SHIFT;
		unsigned int n = min_t(unsigned int, len, PAGE_SIZE - off);
		unsigned int noio;
		struct page *page;

		for (;;) {
			page = movram_get_locked(mr, idx);
			if (page || !write)
				break;
			/* I/O path: no allocation below may recurse into I/O */
			noio = memalloc_noio_save();
			page = movram_insert_locked(mr, idx);
			memalloc_noio_restore(noio);
			if (page)
				break;
		}
		if (IS_ERR(page))
			return BLK_STS_RESOURCE;
		if (!page) {
			movcompat_memzero_page(bpage, boff, n); /* never written */
		} else {
			if (write)
				movcompat_memcpy_page(page, off, bpage, boff, n);
			else
				movcompat_memcpy_page(bpage, boff, page, off, n);
			unlock_page(page);
			put_page(page);
		}
		sector += n >> SECTOR_SHIFT;
		boff += n;
		len -= n;
	}
	return BLK_STS_OK;
}

/* Free the whole pages inside the range; partial pages keep their data. */
static void movram_discard(struct movram *mr, sector_t sector, unsigned int bytes)
{
	unsigned long first = DIV_ROUND_UP(sector, MOVRAM_PAGE_SECTORS);
	unsigned long end = (sector + (bytes >> SECTOR_SHIFT)) >> MOVRAM_PAGE_SECTORS_SHIFT;
	unsigned long idx;
	struct page *page;

	if (first >= end)
		return;
	for (idx = first, page = movram_index_find(&mr->pages, &idx, end - 1);
	     page; page = movram_index_find_after(&mr->pages, &idx, end - 1)) {
		movram_free_page(mr, idx);
		atomic_long_inc(&nr_discarded);
		cond_resched();
	}
}

/* one read or write bio's segments */
struct movram_io {
	struct movram *mr;
	bool write;
};

static blk_status_t movram_segment(void *arg, struct page *bpage,
				   unsigned int boff, unsigned int len,
				   sector_t sector)
{
	struct movram_io *io = arg;

	return movram_rw(io->mr, bpage, boff, len, sector, io->write);
}

static blk_status_t movram_handle_bio(struct bio *bio)
{
	struct movram_io io = { .mr = movcompat_bio_disk(bio)->private_data };
	enum movcompat_bio_op op = movcompat_bio_op(bio);

	if (bio_end_sector(bio) > get_capacity(io.mr->disk))
		return BLK_STS_IOERR;	/* beyond the end */
	switch (op) {
	case MOVCOMPAT_BIO_READ:
	case MOVCOMPAT_BIO_WRITE:
		io.write = op == MOVCOMPAT_BIO_WRITE;
		return movcompat_bio_walk_pages(bio, movram_segment, &io);
	case MOVCOMPAT_BIO_DISCARD:
		movram_discard(io.mr, movcompat_bio_sector(bio),
			       movcompat_bio_bytes(bio));
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}
}

static MOVCOMPAT_SUBMIT_BIO_T movram_submit_bio(MOVCOMPAT_SUBMIT_BIO_ARGS)
{
	movcompat_bio_end(bio, movram_handle_bio(bio));
	return MOVCOMPAT_SUBMIT_BIO_DONE;
}

static const struct block_device_operations movram_fops = {
	.owner = THIS_MODULE,
	MOVCOMPAT_BLK_FOPS_SUBMIT_BIO(movram_submit_bio)
};

/* ---- debugfs --------------------------------------------------------- */

static int stats_show(struct seq_file *m, void *v)
{
	long pages = 0;
	unsigned int i;

	for (i = 0; i < count; i++)
		pages += atomic_long_read(&movram_disks[i]->nr_pages);
	seq_printf(m, "backend %s\nmovable %d\nindex %s\ndisks %u\nsize %llu\npages %ld\n",
		   movcompat_domain_backend_name(&movram_dom),
		   movcompat_domain_pages_movable(&movram_dom),
		   MOVRAM_INDEX_KIND, count, size, pages);
	seq_printf(m, "isolated %ld\nmigrated %ld\nputback %ld\nretries %ld\nraced %ld\ndiscarded %ld\nunmovable %ld\n",
		   atomic_long_read(&nr_isolated), atomic_long_read(&nr_migrated),
		   atomic_long_read(&nr_putback), atomic_long_read(&nr_retries),
		   atomic_long_read(&nr_raced), atomic_long_read(&nr_discarded),
		   atomic_long_read(&nr_unmovable));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long idx;
	struct page *page;
	unsigned int i;

	for (i = 0; i < count; i++) {
		struct movram_index *ix = &movram_disks[i]->pages;

		for (idx = 0, page = movram_index_find(ix, &idx, ULONG_MAX);
		     page; page = movram_index_find_after(ix, &idx, ULONG_MAX))
			seq_printf(m, "%lu\n", page_to_pfn(page));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

/* ---- setup and teardown ---------------------------------------------- */

static void movram_free(struct movram *mr, bool added)
{
	unsigned long idx;
	struct page *page;

	if (added)
		movcompat_blk_del_disk(mr->disk);	/* no I/O after this */
	else
		movcompat_blk_put_disk(mr->disk);
	for (idx = 0, page = movram_index_find(&mr->pages, &idx, ULONG_MAX);
	     page; page = movram_index_find_after(&mr->pages, &idx, ULONG_MAX)) {
		movram_free_page(mr, idx);
		cond_resched();
	}
	movram_index_destroy(&mr->pages);
	WRITE_ONCE(movram_disks[mr->nr], NULL);
	kfree(mr);
}

static int movram_add(unsigned int nr)
{
	const struct movcompat_blk_limits lim = {
		.physical_block_size = PAGE_SIZE,
		.max_discard_sectors = UINT_MAX >> SECTOR_SHIFT,
		.discard_granularity = PAGE_SIZE,
	};
	struct movram *mr;
	int ret;

	mr = kzalloc(sizeof(*mr), GFP_KERNEL);
	if (!mr)
		return -ENOMEM;
	mr->nr = nr;
	movram_index_init(&mr->pages);
	mr->disk = movcompat_blk_alloc_disk(&lim, NUMA_NO_NODE, 1,
					    movram_submit_bio);
	if (IS_ERR(mr->disk)) {
		ret = PTR_ERR(mr->disk);
		kfree(mr);
		return ret;
	}
	mr->disk->major = movram_major;
	mr->disk->first_minor = nr;
	mr->disk->fops = &movram_fops;
	mr->disk->private_data = mr;
	snprintf(mr->disk->disk_name, DISK_NAME_LEN, "movram%u", nr);
	set_capacity(mr->disk, size >> SECTOR_SHIFT);
	movram_disks[nr] = mr;
	ret = movcompat_blk_add_disk(mr->disk);
	if (ret) {
		movram_free(mr, false);
		return ret;
	}
	return 0;
}

static void movram_cleanup(void)
{
	unsigned int i;

	for (i = 0; i < MOVRAM_MAX_DISKS; i++)
		if (movram_disks[i])
			movram_free(movram_disks[i], true);
	if (movram_major > 0)
		unregister_blkdev(movram_major, "movram");
	movcompat_domain_destroy(&movram_dom);
}

static int __init movram_init(void)
{
	unsigned long long ram = (unsigned long long)totalram_pages() << PAGE_SHIFT;
	unsigned int i;
	int ret;

	if (!count || count > MOVRAM_MAX_DISKS) {
		pr_err("movram: count=%u: must be 1 to %d\n", count, MOVRAM_MAX_DISKS);
		return -EINVAL;
	}
	if (!size) {
		pr_err("movram: size=0: a disk needs at least one page\n");
		return -EINVAL;
	}
	if (size > ram || count * round_up(size, PAGE_SIZE) > ram) {
		pr_err("movram: count=%u size=%llu: %u disk(s) of %llu bytes do not fit in RAM (%llu bytes)\n",
		       count, size, count, size, ram);
		return -EINVAL;
	}
	size = round_up(size, PAGE_SIZE);
	ret = movcompat_domain_init(&movram_dom, &movram_mops, "movram",
				    carrier ? MOVCOMPAT_DOMAIN_BALLOON_CARRIER : 0);
	if (ret)
		return ret;
	movram_major = register_blkdev(0, "movram");
	if (movram_major < 0) {
		ret = movram_major;
		movcompat_domain_destroy(&movram_dom);
		return ret;
	}
	for (i = 0; i < count; i++) {
		ret = movram_add(i);
		if (ret) {
			pr_err("movram: adding disk %u failed: %d\n", i, ret);
			movram_cleanup();
			return ret;
		}
	}
	movram_dir = debugfs_create_dir("movram", NULL);
	debugfs_create_file("stats", 0444, movram_dir, NULL, &stats_fops);
	debugfs_create_file("pfns", 0444, movram_dir, NULL, &pfns_fops);
	pr_info("movram: %u disk(s) of %llu bytes, backend %s, pages movable: %s\n",
		count, size, movcompat_domain_backend_name(&movram_dom),
		movcompat_domain_pages_movable(&movram_dom) ? "yes" : "no");
	return 0;
}

static void __exit movram_exit(void)
{
	debugfs_remove_recursive(movram_dir);
	movram_cleanup();
	pr_info("movram: unloaded, %ld pages migrated while loaded\n",
		atomic_long_read(&nr_migrated));
}

module_init(movram_init);
module_exit(movram_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("RAM disk with movable backing pages (movcompat example)");
