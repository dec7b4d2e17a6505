// SPDX-License-Identifier: GPL-2.0
/*
 * mc_pool - the smallest complete movcompat user: a pool of pages that the
 * kernel (or movcompat's own core) may migrate while the pool holds them.
 *
 *   echo N >/sys/kernel/debug/mc_pool/fill   empty the pool, then fill it
 *                                            with N pages, each with a
 *                                            pattern of its slot number
 *   cat /sys/kernel/debug/mc_pool/verify     "pages N bad 0"
 *   cat /sys/kernel/debug/mc_pool/stats      backend and counters
 *   cat /sys/kernel/debug/mc_pool/pfns       where the pages are now
 *
 * Read it in this order: 1. the three callbacks; 2. get_locked(), the one
 * rule for touching a page that may be migrating; 3. fill (allocate, make
 * movable); 4. empty (release); 5. module init and exit (teardown).
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <movcompat/movcompat.h>

static struct movcompat_domain dom;
static DEFINE_MUTEX(pool_mutex);	/* fill, verify and exit, one at a time */
static DEFINE_SPINLOCK(slot_lock);	/* pool[] slots against migration */
static struct page **pool;		/* slot -> page; its private value: slot */
static unsigned long pool_size;
static atomic_long_t nr_migrated;
static struct dentry *dir;

/* ---- 1. callbacks: the page is locked in all three ------------------- */

static bool pool_isolate(struct page *page, isolate_mode_t mode)
{
	return true;			/* any pool page may move */
}

static int pool_migrate(struct page *dst, struct page *src,
			enum migrate_mode mode)
{
	unsigned long slot = movcompat_page_private(&dom, src);

	copy_highpage(dst, src);
	spin_lock(&slot_lock);
	if (pool[slot] != src) {	/* taken out, release on its way */
		spin_unlock(&slot_lock);
		return -EAGAIN;
	}
	pool[slot] = dst;
	spin_unlock(&slot_lock);
	movcompat_page_set_private(&dom, dst, slot);
	movcompat_page_set_private(&dom, src, 0);
	movcompat_page_migrated(&dom, dst, src);	/* dst in, src out */
	atomic_long_inc(&nr_migrated);
	return 0;
}

static void pool_putback(struct page *page)
{
}

static const struct movable_operations pool_ops = {
	.isolate_page = pool_isolate,
	.migrate_page = pool_migrate,
	.putback_page = pool_putback,
};

/* ---- 2. a stable, locked reference to the page in @slot -------------- */

static struct page *get_locked(unsigned long slot)
{
	struct page *page;

	for (;;) {
		spin_lock(&slot_lock);
		page = pool[slot];
		get_page(page);
		spin_unlock(&slot_lock);
		movcompat_lock_page(page);	/* waits for a migration in progress */
		if (READ_ONCE(pool[slot]) == page)
			return page;
		unlock_page(page);	/* it moved: take the new page */
		put_page(page);
	}
}

static void pattern(u64 *buf, unsigned long slot)
{
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		buf[i] = 0x6d635f706f6f6cULL ^ ((u64)slot << 32) ^ i;
}

/* ---- 4. release every page, free the table (pool_mutex held) ---------- */

static void pool_empty(void)
{
	unsigned long slot;

	for (slot = 0; slot < pool_size; slot++) {
		struct page *page = get_locked(slot);

		spin_lock(&slot_lock);
		pool[slot] = NULL;
		spin_unlock(&slot_lock);
		movcompat_page_set_private(&dom, page, 0);
		unlock_page(page);
		put_page(page);				/* get_locked()'s */
		movcompat_page_release(&dom, page);	/* the pool's */
		cond_resched();
	}
	vfree(pool);
	pool = NULL;
	pool_size = 0;
}

/* ---- 3. allocate @n pages and make them movable (pool_mutex held) ----- */

static int pool_fill(unsigned long n)
{
	u64 *buf;

	pool_empty();
	if (!n)
		return 0;
	pool = vzalloc(array_size(n, sizeof(*pool)));
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!pool || !buf) {
		kfree(buf);
		vfree(pool);
		pool = NULL;
		return -ENOMEM;
	}
	for (pool_size = 0; pool_size < n; pool_size++) {
		struct page *page = movcompat_alloc_page(&dom, GFP_HIGHUSER);

		if (!page)
			break;
		pattern(buf, pool_size);
		memcpy_to_page(page, 0, (char *)buf, PAGE_SIZE);
		movcompat_page_set_private(&dom, page, pool_size);
		pool[pool_size] = page;	/* before it can move */
		lock_page(page);
		movcompat_page_make_movable(&dom, page);
		unlock_page(page);
	}
	kfree(buf);
	return pool_size == n ? 0 : -ENOMEM;
}

/* ---- debugfs ----------------------------------------------------------- */

static ssize_t fill_write(struct file *file, const char __user *ubuf,
			  size_t len, loff_t *ppos)
{
	unsigned long n;
	int ret;

	ret = kstrtoul_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (n > totalram_pages() / 2)
		return -EINVAL;
	mutex_lock(&pool_mutex);
	ret = pool_fill(n);
	mutex_unlock(&pool_mutex);
	return ret ? ret : len;
}

static const struct file_operations fill_fops = {
	.owner = THIS_MODULE,
	.write = fill_write,
};

static int verify_show(struct seq_file *m, void *v)
{
	unsigned long slot, bad = 0;
	u64 *want, *got;

	want = kmalloc(PAGE_SIZE, GFP_KERNEL);
	got = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!want || !got) {
		kfree(want);
		kfree(got);
		return -ENOMEM;
	}
	mutex_lock(&pool_mutex);
	for (slot = 0; slot < pool_size; slot++) {
		struct page *page = get_locked(slot);

		memcpy_from_page((char *)got, page, 0, PAGE_SIZE);
		pattern(want, slot);
		if (memcmp(got, want, PAGE_SIZE) ||
		    movcompat_page_private(&dom, page) != slot)
			bad++;
		unlock_page(page);
		put_page(page);
		cond_resched();
	}
	seq_printf(m, "pages %lu bad %lu\n", pool_size, bad);
	mutex_unlock(&pool_mutex);
	kfree(want);
	kfree(got);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "backend %s\nmovable %d\npages %lu\nmigrated %ld\n",
		   movcompat_domain_backend_name(&dom),
		   movcompat_domain_pages_movable(&dom), READ_ONCE(pool_size),
		   atomic_long_read(&nr_migrated));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long slot;

	mutex_lock(&pool_mutex);
	spin_lock(&slot_lock);
	for (slot = 0; slot < pool_size; slot++)
		seq_printf(m, "%lu\n", page_to_pfn(pool[slot]));
	spin_unlock(&slot_lock);
	mutex_unlock(&pool_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

/* ---- 5. module init and teardown ---------------------------------------- */

static int __init mc_pool_init(void)
{
	int ret = movcompat_domain_init(&dom, &pool_ops, "mc_pool", 0);

	if (ret)
		return ret;
	dir = debugfs_create_dir("mc_pool", NULL);
	debugfs_create_file("fill", 0200, dir, NULL, &fill_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	return 0;
}

static void __exit mc_pool_exit(void)
{
	debugfs_remove_recursive(dir);		/* no more fill or verify */
	mutex_lock(&pool_mutex);
	pool_empty();				/* every page released... */
	mutex_unlock(&pool_mutex);
	movcompat_domain_destroy(&dom);		/* ...before the domain goes */
}

module_init(mc_pool_init);
module_exit(mc_pool_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat example: a pool of movable pages, filled and verified through debugfs");
