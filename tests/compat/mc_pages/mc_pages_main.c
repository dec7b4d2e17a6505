// SPDX-License-Identifier: GPL-2.0
/*
 * mc_pages - movcompat's API test module: allocates N pages through the
 * public API only, makes them movable, fills each with a pattern keyed by
 * its index, and lets the guest script drive compaction and memory
 * offlining, then verify every page.
 *
 * debugfs <module>/: stats (counters), verify (read: checks every page),
 * pfns (one pfn per line), copybench (read: copy every page once into a
 * fresh page and print the time: the copy-bandwidth limit for benchmarks).
 * Fault rates: the parameters fail_permille and fail_errno make that share
 * of migrate_page calls fail (stats: injected).
 * The module name is mc_pages, or another one given with MC_PAGES_NAME=
 * (build variants, see tests/compat/mc_pages/variants).
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <movcompat/movcompat.h>
#include "mc_pages_lostwake.h"

static unsigned long npages = 16384;
module_param(npages, ulong, 0444);
MODULE_PARM_DESC(npages, "pages to allocate (default 16384)");
static bool fragment = true;
module_param(fragment, bool, 0444);
MODULE_PARM_DESC(fragment, "allocate twice as many and free every other one");
static bool carrier;
module_param(carrier, bool, 0444);
MODULE_PARM_DESC(carrier, "ask for the balloon carrier (where it exists)");
static unsigned long foreign;
module_param(foreign, ulong, 0444);
MODULE_PARM_DESC(foreign, "this many of the pages come from alloc_page(GFP_HIGHUSER), not from movcompat_alloc_page()");
static unsigned long leak;
module_param(leak, ulong, 0444);
MODULE_PARM_DESC(leak, "a driver bug: at unload, destroy the domain with this many pages never released");
static bool lru_abuse;
module_param(lru_abuse, bool, 0444);
MODULE_PARM_DESC(lru_abuse, "a driver bug: keep page 0 on a list of the driver's own through page->lru while it is in service");
static LIST_HEAD(abuse_list);
static bool pm_late;
module_param(pm_late, bool, 0444);
MODULE_PARM_DESC(pm_late, "make a new page movable from a PM notifier that runs after movcompat's at PM_HIBERNATION_PREPARE");
static int fail_init;
module_param(fail_init, int, 0444);
MODULE_PARM_DESC(fail_init, "a driver bug: module_init fails without movcompat_domain_destroy(), 1 right after movcompat_domain_init(), 2 after making its pages movable (left)");
static unsigned long gap;
module_param(gap, ulong, 0444);
MODULE_PARM_DESC(gap, "room for this many pages held between movcompat_alloc_page() and make_movable (debugfs gap)");

/*
 * Fault rates (the reliability lane's fault tests): fail_permille of every
 * 1000 migrate_page calls return -fail_errno instead of migrating. Both
 * writable at run time in /sys/module/<module>/parameters/.
 */
static unsigned int fail_permille;
static int fail_errno = EAGAIN;

static int fail_permille_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > 1000) {
		pr_err(KBUILD_MODNAME ": fail_permille='%s' must be a number from 0 to 1000\n",
		       val);
		return -EINVAL;
	}
	WRITE_ONCE(fail_permille, v);
	return 0;
}

static int fail_errno_set(const char *val, const struct kernel_param *kp)
{
	int v;

	if (kstrtoint(val, 0, &v) || (v != EAGAIN && v != ENOMEM && v != EBUSY)) {
		pr_err(KBUILD_MODNAME ": fail_errno='%s' must be %d (EAGAIN), %d (ENOMEM) or %d (EBUSY)\n",
		       val, EAGAIN, ENOMEM, EBUSY);
		return -EINVAL;
	}
	WRITE_ONCE(fail_errno, v);
	return 0;
}

static const struct kernel_param_ops fail_permille_ops = {
	.set = fail_permille_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops fail_errno_ops = {
	.set = fail_errno_set,
	.get = param_get_int,
};

module_param_cb(fail_permille, &fail_permille_ops, &fail_permille, 0644);
MODULE_PARM_DESC(fail_permille, "fault rate: this many of every 1000 migrate_page calls fail (0-1000, default 0)");
module_param_cb(fail_errno, &fail_errno_ops, &fail_errno, 0644);
MODULE_PARM_DESC(fail_errno, "what the failing calls return: 11 (EAGAIN, default), 12 (ENOMEM) or 16 (EBUSY)");

static atomic_t migrate_calls;

/* spread the failures over the calls: a multiplicative hash of the call */
static bool inject_failure(void)
{
	unsigned int rate = READ_ONCE(fail_permille);

	return rate && (atomic_inc_return(&migrate_calls) * 7919u) % 1000 < rate;
}

#define PATTERN_SEED 0x6d6f76636f6d7061ULL	/* "movcompa" */

static struct movcompat_domain dom;
static struct page **pages;		/* index -> page, under pages_lock */
static DEFINE_SPINLOCK(pages_lock);
static atomic_long_t nr_isolated, nr_migrated, nr_putback, nr_unmovable;
static atomic_long_t nr_injected;
static struct dentry *dir;
static unsigned long nr_in_service;	/* pages[0 .. nr_in_service) */
static unsigned long capacity;		/* of pages[]: npages + gap */
static unsigned long nr_held;	/* pages[nr_in_service ..): not movable yet */
static DEFINE_MUTEX(service_lock);	/* nr_in_service, release, readers */

static u64 pattern(unsigned long idx, unsigned int word)
{
	return PATTERN_SEED ^ ((u64)idx << 32) ^ word;
}

static void fill(struct page *page, unsigned long idx)
{
	u64 *p = kmap_atomic(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		p[i] = pattern(idx, i);
	kunmap_atomic(p);
}

static bool intact(struct page *page, unsigned long idx)
{
	u64 *p = kmap_atomic(page);
	unsigned int i;
	bool ok = true;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		if (p[i] != pattern(idx, i)) {
			ok = false;
			break;
		}
	kunmap_atomic(p);
	return ok;
}

static bool mc_isolate(struct page *page, isolate_mode_t mode)
{
	atomic_long_inc(&nr_isolated);
	return true;
}

static int mc_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	unsigned long idx = movcompat_page_private(&dom, src);

	/* as drivers of 4.14-6.9 do; movcompat keeps the name on later kernels */
	if (mode == MIGRATE_SYNC_NO_COPY)
		return -EINVAL;
	/*
	 * Between taking a page out of the table and movcompat_page_release()
	 * the page is still movable: refuse, the release will win.
	 */
	if (idx >= capacity || READ_ONCE(pages[idx]) != src)
		return -EAGAIN;
	if (inject_failure()) {
		atomic_long_inc(&nr_injected);
		return -READ_ONCE(fail_errno);
	}
	copy_highpage(dst, src);
	movcompat_page_set_private(&dom, dst, idx);
	spin_lock(&pages_lock);
	pages[idx] = dst;
	spin_unlock(&pages_lock);
	movcompat_page_set_private(&dom, src, 0);
	movcompat_page_migrated(&dom, dst, src);
	atomic_long_inc(&nr_migrated);
	return 0;
}

static void mc_putback(struct page *page)
{
	atomic_long_inc(&nr_putback);
}

static const struct movable_operations mc_ops = {
	.isolate_page = mc_isolate,
	.migrate_page = mc_migrate,
	.putback_page = mc_putback,
};

/* Take a stable, locked reference to page @idx (it may be migrating). */
static struct page *get_locked(unsigned long idx)
{
	struct page *page;

	for (;;) {
		spin_lock(&pages_lock);
		page = pages[idx];
		get_page(page);
		spin_unlock(&pages_lock);
		movcompat_lock_page(page);
		if (READ_ONCE(pages[idx]) == page)
			return page;
		unlock_page(page);	/* migrated meanwhile: take the new one */
		put_page(page);
	}
}

static int stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "backend %s\nmovable %d\npages %lu\nmarked %ld\nisolated %ld\nmigrated %ld\nputback %ld\nunmovable %ld\ninjected %ld\n",
		   movcompat_domain_backend_name(&dom),
		   movcompat_domain_pages_movable(&dom), nr_in_service,
		   atomic_long_read(&dom.nr_movable),
		   atomic_long_read(&nr_isolated),
		   atomic_long_read(&nr_migrated),
		   atomic_long_read(&nr_putback),
		   atomic_long_read(&nr_unmovable),
		   atomic_long_read(&nr_injected));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int verify_show(struct seq_file *m, void *v)
{
	unsigned long i, bad = 0;
	struct page *page;

	mutex_lock(&service_lock);
	for (i = 0; i < nr_in_service; i++) {
		page = get_locked(i);
		if (!intact(page, i) || movcompat_page_private(&dom, page) != i)
			bad++;
		unlock_page(page);
		put_page(page);
		cond_resched();
	}
	seq_printf(m, "checked %lu bad %lu\n", nr_in_service, bad);
	mutex_unlock(&service_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verify);

/*
 * The copy-bandwidth limit of a migration, for the benchmarks: copy every
 * page once into a fresh page (allocation included, as in a migration).
 */
static int copybench_show(struct seq_file *m, void *v)
{
	struct page *dst, *src;
	unsigned long i, done = 0;
	ktime_t t0 = ktime_get();

	mutex_lock(&service_lock);
	for (i = 0; i < nr_in_service; i++) {
		dst = alloc_page(GFP_HIGHUSER);
		if (!dst)
			break;
		src = get_locked(i);
		copy_highpage(dst, src);
		unlock_page(src);
		put_page(src);
		__free_page(dst);
		done++;
		cond_resched();
	}
	mutex_unlock(&service_lock);
	seq_printf(m, "pages %lu ns %lld\n", done,
		   ktime_to_ns(ktime_sub(ktime_get(), t0)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(copybench);

static int pfns_show(struct seq_file *m, void *v)
{
	unsigned long i;

	mutex_lock(&service_lock);
	for (i = 0; i < nr_in_service; i++)
		seq_printf(m, "%lu\n", page_to_pfn(READ_ONCE(pages[i])));
	mutex_unlock(&service_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

/* take pages[first .. end) out of service (service_lock held, or init/exit) */
static void release_range(unsigned long first, unsigned long end)
{
	unsigned long i;

	for (i = first; i < end; i++) {
		struct page *page = get_locked(i);

		spin_lock(&pages_lock);
		pages[i] = NULL;
		spin_unlock(&pages_lock);
		movcompat_page_set_private(&dom, page, 0);
		unlock_page(page);
		put_page(page);		/* get_locked()'s reference */
		movcompat_page_release(&dom, page);
	}
}

static void release_all(unsigned long n)
{
	release_range(0, n);
}

/* write anything: release every page (the domain stays) */
static ssize_t release_write(struct file *file, const char __user *buf,
			     size_t len, loff_t *ppos)
{
	mutex_lock(&service_lock);
	release_all(nr_in_service);
	nr_in_service = 0;
	mutex_unlock(&service_lock);
	return len;
}

static const struct file_operations release_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = release_write,
	.llseek = noop_llseek,
};

/*
 * One page in and out of service: allocate, make movable, release.
 * Returns what movcompat_page_make_movable() said (or -ENOMEM).
 */
static int one_page_round_trip(void)
{
	struct page *page = movcompat_alloc_page(&dom, GFP_HIGHUSER);
	int ret;

	if (!page)
		return -ENOMEM;
	lock_page(page);
	ret = movcompat_page_make_movable(&dom, page);
	unlock_page(page);
	movcompat_page_release(&dom, page);
	return ret;
}

/*
 * pm_late: a page made movable at PM_HIBERNATION_PREPARE after movcompat's
 * own hibernation guard ran (lowest priority), i.e. between the guard and
 * the snapshot. Then the hibernation is cancelled (-EAGAIN). "late" shows
 * make_movable's answer then, and (write) a round trip after the window.
 */
static int late_prepare_ret = 1, late_after_ret = 1;

static int late_pm_notify(struct notifier_block *nb, unsigned long action,
			  void *arg)
{
	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_OK;
	late_prepare_ret = one_page_round_trip();
	return notifier_from_errno(-EAGAIN);
}

static struct notifier_block late_pm_nb = {
	.notifier_call = late_pm_notify,
	.priority = INT_MIN,
};

static int late_show(struct seq_file *m, void *v)
{
	seq_printf(m, "prepare %d after %d\n", late_prepare_ret,
		   late_after_ret);
	return 0;
}

static int late_open(struct inode *inode, struct file *file)
{
	return single_open(file, late_show, NULL);
}

static ssize_t late_write(struct file *file, const char __user *buf,
			  size_t len, loff_t *ppos)
{
	late_after_ret = one_page_round_trip();
	return len;
}

static const struct file_operations late_fops = {
	.owner = THIS_MODULE,
	.open = late_open,
	.read = seq_read,
	.write = late_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static void free_one(unsigned long i, struct page *page)
{
	if (i < foreign)
		__free_page(page);
	else
		movcompat_free_page(&dom, page);
}

/*
 * lockcheck: make_movable must keep the caller's page lock throughout. A
 * thread waits in lock_page() on a fresh page while the caller makes it
 * movable; if movcompat let go of the lock inside, the thread got it
 * (lock hand-over) before make_movable returned.
 */
struct lock_waiter {
	struct page *page;
	atomic_t got;
	struct completion done;
};

static int lock_waiter_fn(void *arg)
{
	struct lock_waiter *w = arg;

	lock_page(w->page);
	atomic_set(&w->got, 1);
	unlock_page(w->page);
	complete(&w->done);
	return 0;
}

static int lockcheck_rounds = -1, lockcheck_dropped = -1;

static int lockcheck_show(struct seq_file *m, void *v)
{
	seq_printf(m, "rounds %d dropped %d\n", lockcheck_rounds,
		   lockcheck_dropped);
	return 0;
}

static int lockcheck_open(struct inode *inode, struct file *file)
{
	return single_open(file, lockcheck_show, NULL);
}

static ssize_t lockcheck_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	struct lock_waiter w;
	struct task_struct *k;
	int i, dropped = 0, done = 0;

	for (i = 0; i < 8; i++) {
		w.page = movcompat_alloc_page(&dom, GFP_HIGHUSER);
		if (!w.page)
			break;
		atomic_set(&w.got, 0);
		init_completion(&w.done);
		lock_page(w.page);
		k = kthread_run(lock_waiter_fn, &w, "mc_lockcheck");
		if (IS_ERR(k)) {
			unlock_page(w.page);
			movcompat_free_page(&dom, w.page);
			break;
		}
		msleep(100);	/* the thread now sleeps in lock_page() */
		if (movcompat_page_make_movable(&dom, w.page))
			atomic_long_inc(&nr_unmovable);
		if (atomic_read(&w.got))
			dropped++;
		unlock_page(w.page);
		wait_for_completion(&w.done);
		movcompat_page_release(&dom, w.page);
		done++;
	}
	lockcheck_rounds = done;
	lockcheck_dropped = dropped;
	return len;
}

static const struct file_operations lockcheck_fops = {
	.owner = THIS_MODULE,
	.open = lockcheck_open,
	.read = seq_read,
	.write = lockcheck_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * The alloc -> make_movable gap (gap=N): "hold" allocates N pages with
 * movcompat_alloc_page() and fills them but does not make them movable
 * yet, as a driver does between its allocation and its make_movable; the
 * file then lists their pfns. "movable" makes them movable and puts them
 * in service (verify, pfns and release cover them from then on). A memory
 * offline started in between must complete once they are movable.
 */
static int gap_show(struct seq_file *m, void *v)
{
	unsigned long i;

	mutex_lock(&service_lock);
	for (i = nr_in_service; i < nr_in_service + nr_held; i++)
		seq_printf(m, "%lu\n", page_to_pfn(pages[i]));
	mutex_unlock(&service_lock);
	return 0;
}

static int gap_open(struct inode *inode, struct file *file)
{
	return single_open(file, gap_show, NULL);
}

static void gap_hold(void)
{
	unsigned long i = nr_in_service + nr_held;
	struct page *page;

	for (; i < capacity; i++) {
		page = movcompat_alloc_page(&dom, GFP_HIGHUSER);
		if (!page)
			break;
		fill(page, i);
		movcompat_page_set_private(&dom, page, i);
		spin_lock(&pages_lock);
		pages[i] = page;
		spin_unlock(&pages_lock);
		nr_held++;
	}
}

static void gap_make_movable(void)
{
	unsigned long i;

	for (i = nr_in_service; i < nr_in_service + nr_held; i++) {
		struct page *page = pages[i];	/* not movable: cannot move */

		lock_page(page);	/* nobody else knows the page */
		if (movcompat_page_make_movable(&dom, page))
			atomic_long_inc(&nr_unmovable);
		unlock_page(page);
	}
	nr_in_service += nr_held;
	nr_held = 0;
}

static ssize_t gap_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	ssize_t ret = len;
	char buf[16];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	mutex_lock(&service_lock);
	if (sysfs_streq(buf, "hold"))
		gap_hold();
	else if (sysfs_streq(buf, "movable"))
		gap_make_movable();
	else
		ret = -EINVAL;
	mutex_unlock(&service_lock);
	return ret;
}

static const struct file_operations gap_fops = {
	.owner = THIS_MODULE,
	.open = gap_open,
	.read = seq_read,
	.write = gap_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/* pages held in the gap at unload: never made movable, plain frees */
static void gap_free_held(void)
{
	unsigned long i;

	for (i = nr_in_service; i < nr_in_service + nr_held; i++)
		movcompat_free_page(&dom, pages[i]);
	nr_held = 0;
}

/*
 * An atomic caller: "atomic" allocates up to 64 pages with
 * movcompat_alloc_page(GFP_ATOMIC) under a spinlock (the page and its
 * bookkeeping must be allocated without sleeping; a debug kernel with
 * CONFIG_DEBUG_ATOMIC_SLEEP says "sleeping function called from invalid
 * context" otherwise), then frees them outside it. Reads "asked N got M".
 */
#define ATOMIC_PAGES 64
static DEFINE_SPINLOCK(atomic_lock);
static unsigned int atomic_got;

static int atomic_show(struct seq_file *m, void *v)
{
	seq_printf(m, "asked %d got %u\n", ATOMIC_PAGES, READ_ONCE(atomic_got));
	return 0;
}

static int atomic_open(struct inode *inode, struct file *file)
{
	return single_open(file, atomic_show, NULL);
}

static ssize_t atomic_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	struct page **got = kcalloc(ATOMIC_PAGES, sizeof(*got), GFP_KERNEL);
	unsigned int i, n = 0;

	if (!got)
		return -ENOMEM;
	spin_lock(&atomic_lock);
	for (i = 0; i < ATOMIC_PAGES; i++) {
		got[n] = movcompat_alloc_page(&dom, GFP_ATOMIC);
		if (got[n])
			n++;
	}
	spin_unlock(&atomic_lock);
	for (i = 0; i < n; i++)
		movcompat_free_page(&dom, got[i]);
	kfree(got);
	WRITE_ONCE(atomic_got, n);
	return len;
}

static const struct file_operations atomic_fops = {
	.owner = THIS_MODULE,
	.open = atomic_open,
	.read = seq_read,
	.write = atomic_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static struct page *alloc_one(unsigned long i)
{
	if (i < foreign)	/* the driver's own allocation */
		return alloc_page(GFP_HIGHUSER);
	return movcompat_alloc_page(&dom, GFP_HIGHUSER);
}

/* never initialised: destroying it must be a no-op (see mc_pages_init) */
static struct movcompat_domain unused_dom;

static int __init mc_pages_init(void)
{
	struct page **spare = NULL;
	unsigned long i;
	int ret;

	/*
	 * An error path may destroy a domain never initialised: a no-op
	 * (movcompat.h), which the semantic patch's error paths rely on.
	 */
	movcompat_domain_destroy(&unused_dom);

	if (!npages || npages > totalram_pages() / 2) {
		pr_err(KBUILD_MODNAME ": npages=%lu must be between 1 and half of RAM (%lu pages)\n",
		       npages, totalram_pages() / 2);
		return -EINVAL;
	}
	ret = movcompat_domain_init(&dom, &mc_ops, KBUILD_MODNAME,
				    carrier ? MOVCOMPAT_DOMAIN_BALLOON_CARRIER : 0);
	if (ret)
		return ret;
	if (fail_init == 1) {
		pr_err(KBUILD_MODNAME ": fail_init=1: failing, the domain left registered\n");
		return -EINVAL;
	}
	capacity = npages + gap;
	if (capacity < npages) {
		pr_err(KBUILD_MODNAME ": npages + gap overflows\n");
		ret = -EINVAL;
		goto err_free;
	}
	pages = vzalloc(array_size(capacity, sizeof(*pages)));
	if (fragment)
		spare = vzalloc(array_size(npages, sizeof(*spare)));
	if (!pages || (fragment && !spare)) {
		ret = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < npages; i++) {
		struct page *page = alloc_one(i);

		if (page && fragment) {
			spare[i] = alloc_one(i);
			if (!spare[i]) {
				free_one(i, page);
				page = NULL;
			}
		}
		if (!page) {
			pr_err(KBUILD_MODNAME ": out of memory after %lu pages\n", i);
			release_all(i);
			ret = -ENOMEM;
			goto err_free;
		}
		fill(page, i);
		movcompat_page_set_private(&dom, page, i);
		lock_page(page);	/* a fresh page: never contended */
		ret = movcompat_page_make_movable(&dom, page);
		unlock_page(page);
		if (ret) {	/* still in service, only not movable */
			pr_warn_once(KBUILD_MODNAME ": page %lu not movable: %d\n",
				     i, ret);
			atomic_long_inc(&nr_unmovable);
		}
		pages[i] = page;
	}
	if (lru_abuse) {	/* the bug, and the driver's list let go again */
		list_add(&pages[0]->lru, &abuse_list);
		list_del(&pages[0]->lru);
	}
	if (fail_init == 2) {
		pr_err(KBUILD_MODNAME ": fail_init=2: failing, the domain and its %lu pages left\n",
		       npages);
		if (spare)
			for (i = 0; i < npages; i++)
				free_one(i, spare[i]);
		vfree(spare);
		vfree(pages);
		return -EINVAL;
	}
	nr_in_service = npages;
	if (spare)
		for (i = 0; i < npages; i++)
			free_one(i, spare[i]);
	vfree(spare);
	spare = NULL;
	if (pm_late) {
		ret = register_pm_notifier(&late_pm_nb);
		if (ret)
			goto err_release;
	}

	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0444, dir, NULL, &stats_fops);
	debugfs_create_file("verify", 0444, dir, NULL, &verify_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	debugfs_create_file("copybench", 0400, dir, NULL, &copybench_fops);
	debugfs_create_file("release", 0200, dir, NULL, &release_fops);
	debugfs_create_file("lockcheck", 0600, dir, NULL, &lockcheck_fops);
	debugfs_create_file("atomic", 0600, dir, NULL, &atomic_fops);
	mc_pages_lostwake_debugfs(dir);
	if (pm_late)
		debugfs_create_file("late", 0600, dir, NULL, &late_fops);
	if (gap)
		debugfs_create_file("gap", 0600, dir, NULL, &gap_fops);
	pr_info(KBUILD_MODNAME ": %lu pages, backend %s, movable %d\n", npages,
		movcompat_domain_backend_name(&dom),
		movcompat_domain_pages_movable(&dom));
	return 0;

err_release:
	release_all(npages);
err_free:
	if (spare)
		for (i = 0; i < npages && spare[i]; i++)
			free_one(i, spare[i]);
	vfree(spare);
	vfree(pages);
	movcompat_domain_destroy(&dom);
	return ret;
}

static void __exit mc_pages_exit(void)
{
	debugfs_remove_recursive(dir);
	if (pm_late)
		unregister_pm_notifier(&late_pm_nb);
	gap_free_held();
	if (leak) {
		/* the bug: the first pages stay the domain's */
		release_range(min(leak, nr_in_service), nr_in_service);
		movcompat_domain_destroy(&dom);	/* callbacks still valid */
		vfree(pages);
		return;
	}
	release_all(nr_in_service);
	vfree(pages);
	movcompat_domain_destroy(&dom);
	movcompat_domain_destroy(&dom);	/* a second destroy: a no-op */
}

module_init(mc_pages_init);
module_exit(mc_pages_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat API test: movable pages, verified after migration");
