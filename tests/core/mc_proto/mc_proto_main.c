// SPDX-License-Identifier: GPL-2.0
/*
 * mc_proto - protocol tests of movcompat's migration core, in a real kernel.
 *
 * Built with the core forced (MOVCOMPAT_BACKEND=core) and fault injection
 * on, so it runs on every kernel. Each test drives one rule of the
 * isolate -> migrate -> putback protocol through the core's steps and
 * checks what the driver's callbacks saw. The same source is also built
 * against deliberately broken cores (MOVCOMPAT_BREAK=rule); there the
 * test of that rule must fail (tests/core/guest-proto.sh checks both).
 *
 * Results: /sys/kernel/debug/<module>/results, "PASS name" or
 * "FAIL name: why" per line, written when the module loads; pfns lists
 * the pages still in service (for the unload tests).
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <movcompat/movcompat.h>
#include "movcompat_core.h"
#include "movcompat_core_table.h"

#define NPAGES 64
#define ROUNDS 20

static struct movcompat_domain dom;
static struct page *table[NPAGES];	/* index -> page, under table_lock */
static DEFINE_SPINLOCK(table_lock);
static atomic_t isolate_calls, migrate_calls, putback_calls, bad_calls;
static atomic_t eagain_left[NPAGES];
static bool fail_permanent[NPAGES];
static bool skip_migrated[NPAGES];	/* driver bug: 0 without migrated() */
static bool error_after_migrated[NPAGES];	/* driver bug: error after it */
static char *results;
static size_t results_len;
static struct dentry *dir;

static void report(bool ok, const char *name, const char *fmt, ...)
{
	size_t room = PAGE_SIZE - results_len;
	va_list ap;
	int n;

	n = scnprintf(results + results_len, room, "%s %s", ok ? "PASS" : "FAIL",
		      name);
	if (!ok) {
		n += scnprintf(results + results_len + n, room - n, ": ");
		va_start(ap, fmt);
		n += vscnprintf(results + results_len + n, room - n, fmt, ap);
		va_end(ap);
	}
	n += scnprintf(results + results_len + n, room - n, "\n");
	results_len += n;
}

static void fill(struct page *page, unsigned long idx)
{
	u64 *p = kmap_atomic(page);
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u64); i++)
		p[i] = (idx << 32) ^ i ^ 0x70726f746fULL;
	kunmap_atomic(p);
}

static bool intact(struct page *page, unsigned long idx)
{
	u64 *p = kmap_atomic(page);
	bool ok = p[0] == ((idx << 32) ^ 0x70726f746fULL) &&
		  p[PAGE_SIZE / sizeof(u64) - 1] ==
		  ((idx << 32) ^ (PAGE_SIZE / sizeof(u64) - 1) ^ 0x70726f746fULL);

	kunmap_atomic(p);
	return ok;
}

/* the table index of @page, or -1 (a callback on a page not in service) */
static int lookup(struct page *page)
{
	int i, found = -1;

	spin_lock(&table_lock);
	for (i = 0; i < NPAGES; i++)
		if (table[i] == page)
			found = i;
	spin_unlock(&table_lock);
	if (found < 0)
		atomic_inc(&bad_calls);
	return found;
}

static bool proto_isolate(struct page *page, isolate_mode_t mode)
{
	atomic_inc(&isolate_calls);
	return lookup(page) >= 0;
}

static int proto_migrate(struct page *dst, struct page *src,
			 enum migrate_mode mode)
{
	int idx;

	atomic_inc(&migrate_calls);
	idx = lookup(src);
	if (idx < 0)
		return -EINVAL;
	if (atomic_add_unless(&eagain_left[idx], -1, 0))
		return -EAGAIN;
	if (fail_permanent[idx])
		return -EIO;
	copy_highpage(dst, src);
	if (skip_migrated[idx])
		return 0;	/* the bug: dst never handed over */
	spin_lock(&table_lock);
	table[idx] = dst;
	spin_unlock(&table_lock);
	movcompat_page_migrated(&dom, dst, src);
	if (error_after_migrated[idx])
		return -EIO;	/* the bug: an error after handing over */
	return 0;
}

static void proto_putback(struct page *page)
{
	atomic_inc(&putback_calls);
	lookup(page);
}

static const struct movable_operations proto_ops = {
	.isolate_page = proto_isolate,
	.migrate_page = proto_migrate,
	.putback_page = proto_putback,
};

static long core_stat(atomic_long_t *counter)
{
	return atomic_long_read(counter);
}

static void reset_calls(void)
{
	atomic_set(&isolate_calls, 0);
	atomic_set(&migrate_calls, 0);
	atomic_set(&putback_calls, 0);
	atomic_set(&bad_calls, 0);
}

/* isolate table[idx] through the core; the caller must migrate/put back */
static struct page *isolate_idx(int idx)
{
	struct page *page = READ_ONCE(table[idx]);

	if (!page)	/* released by an earlier test */
		return NULL;
	return movcompat_core_isolate(&dom, page, 0) ? NULL : page;
}

static void release_idx(int idx)
{
	struct page *page;

	spin_lock(&table_lock);
	page = table[idx];
	table[idx] = NULL;
	spin_unlock(&table_lock);
	if (page)
		movcompat_page_release(&dom, page);
}

/* a page the driver releases while the core holds it isolated */
static void test_release_isolated(void)
{
	struct movcompat_core_stats *s = &dom.core->stats;
	long released = core_stat(&s->released_isolated);
	struct page *page;

	reset_calls();
	page = isolate_idx(0);
	if (!page) {
		report(false, "release-while-isolated", "could not isolate");
		return;
	}
	release_idx(0);
	movcompat_core_migrate_list(&dom, &page, 1, MIGRATE_SYNC, 0, 0);
	if (atomic_read(&migrate_calls) || atomic_read(&putback_calls) ||
	    atomic_read(&bad_calls))
		report(false, "release-while-isolated",
		       "callbacks ran on a released page (migrate %d putback %d on pages not in service %d)",
		       atomic_read(&migrate_calls), atomic_read(&putback_calls),
		       atomic_read(&bad_calls));
	else if (core_stat(&s->released_isolated) != released + 1)
		report(false, "release-while-isolated",
		       "released_isolated not counted");
	else
		report(true, "release-while-isolated", NULL);
}

/* -EAGAIN twice, then success: the core retries, no putback */
static void test_eagain(void)
{
	struct movcompat_core_stats *s = &dom.core->stats;
	long retried = core_stat(&s->retried);
	struct page *page, *old;
	long failed;

	reset_calls();
	atomic_set(&eagain_left[1], 2);
	page = isolate_idx(1);
	old = page;
	if (!page) {
		report(false, "eagain-then-success", "could not isolate");
		return;
	}
	failed = movcompat_core_migrate_list(&dom, &page, 1, MIGRATE_SYNC, 0, 0);
	if (failed || READ_ONCE(table[1]) == old || atomic_read(&putback_calls))
		report(false, "eagain-then-success",
		       "not migrated after -EAGAIN (failed %ld, putback %d)",
		       failed, atomic_read(&putback_calls));
	else if (core_stat(&s->retried) != retried + 2 ||
		 atomic_read(&migrate_calls) != 3)
		report(false, "eagain-then-success",
		       "retried %ld, migrate calls %d (want 2 and 3)",
		       core_stat(&s->retried) - retried,
		       atomic_read(&migrate_calls));
	else
		report(true, "eagain-then-success", NULL);
}

/* the page at @idx can be isolated (and is put back at once) */
static void check_isolates_again(int idx, const char *name)
{
	struct page *page = isolate_idx(idx);

	if (!page) {
		report(false, name, "page cannot be isolated again");
		return;
	}
	movcompat_core_putback(&dom, page);
	report(true, name, NULL);
}

/*
 * Isolate page @idx and migrate it once with the driver behaviour
 * @bug[@idx] switched on (off again afterwards). Sets *@old to the page
 * and *@failed to what the core returned; false (reported as @name) when
 * the page could not be isolated.
 */
static bool migrate_idx_with(bool *bug, int idx, const char *name,
			     struct page **old, long *failed)
{
	struct page *page;

	reset_calls();
	bug[idx] = true;
	page = isolate_idx(idx);
	*old = page;
	if (page)
		*failed = movcompat_core_migrate_list(&dom, &page, 1,
						      MIGRATE_SYNC, 0, 0);
	bug[idx] = false;
	/* migrate_list() consumed @page: *@old says whether there was one */
	if (!*old)
		report(false, name, "could not isolate");
	return *old;
}

/* a permanent error: putback exactly once, page usable again */
static void test_permanent_error(void)
{
	struct page *old;
	long failed;

	if (!migrate_idx_with(fail_permanent, 2, "permanent-error-putback",
			      &old, &failed))
		return;
	if (failed != 1 || atomic_read(&putback_calls) != 1)
		report(false, "permanent-error-putback",
		       "failed %ld putback calls %d (want 1 and 1)", failed,
		       atomic_read(&putback_calls));
	else if (movcompat_core_page_isolated(&dom, old))
		report(false, "permanent-error-putback",
		       "page still marked isolated after putback");
	else
		check_isolates_again(2, "permanent-error-putback");
}

/* a tail page in the table (a stale entry) is refused before any callback */
static void test_tail(void)
{
	struct page *head = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
	struct page *tail;
	int ret, before;

	if (!head) {
		report(false, "tail-page-refused", "no compound page");
		return;
	}
	tail = head + 1;
	reset_calls();
	lock_page(head);
	if (movcompat_page_make_movable(&dom, head) != -EINVAL)
		report(false, "compound-not-movable",
		       "make_movable accepted a compound page");
	else
		report(true, "compound-not-movable", NULL);
	unlock_page(head);
	/* head unlocked: a tail is refused as compound, never lock-checked */
	if (movcompat_page_make_movable(&dom, tail) != -EINVAL)
		report(false, "tail-not-movable",
		       "make_movable accepted a tail page");
	else
		report(true, "tail-not-movable", NULL);
	before = page_count(head);
	/* a stale entry: the tail's pfn in the domain's table */
	if (mc_table_add(&dom.core->table, page_to_pfn(tail), GFP_KERNEL)) {
		report(false, "tail-page-refused", "no memory for the table");
		__free_pages(head, 1);
		return;
	}
	ret = movcompat_core_isolate(&dom, tail, 0);
	if (!ret)
		movcompat_core_putback(&dom, tail);
	mc_table_clear(&dom.core->table, page_to_pfn(tail), true, true, true);
	if (!ret || atomic_read(&isolate_calls))
		report(false, "tail-page-refused",
		       "core returned %d, driver isolate_page called %d times",
		       ret, atomic_read(&isolate_calls));
	else if (page_count(head) != before || PageLocked(head))
		report(false, "tail-page-refused",
		       "compound page left with refcount %d (was %d), locked %d",
		       page_count(head), before, PageLocked(head));
	else
		report(true, "tail-page-refused", NULL);
	__free_pages(head, 1);
}

struct iso_thread {
	struct page *got[NPAGES];
	int n;
	struct completion *go;
	struct completion done;
};

static int iso_fn(void *arg)
{
	struct iso_thread *t = arg;
	int i;

	wait_for_completion(t->go);
	for (i = 0; i < NPAGES; i++) {
		struct page *page = isolate_idx(i);

		if (page)
			t->got[t->n++] = page;
	}
	complete(&t->done);
	return 0;
}

/* two threads isolate the same pages: each page goes to one of them */
static void test_concurrent_isolate(void)
{
	static struct iso_thread t[2];
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *k[2];
	int round, i, j, dup = 0, total = 0, idx;
	int seen[NPAGES];

	for (round = 0; round < ROUNDS && !dup; round++) {
		memset(t, 0, sizeof(t));
		memset(seen, 0, sizeof(seen));
		reinit_completion(&go);
		for (i = 0; i < 2; i++) {
			t[i].go = &go;
			init_completion(&t[i].done);
			k[i] = kthread_run(iso_fn, &t[i], "mc_proto_iso%d", i);
			if (IS_ERR(k[i])) {
				report(false, "concurrent-isolate", "kthread_run failed");
				complete_all(&go);
				if (i)
					wait_for_completion(&t[0].done);
				return;
			}
		}
		/* both threads run iso_fn to the end and exit by themselves */
		complete_all(&go);
		for (i = 0; i < 2; i++)
			wait_for_completion(&t[i].done);
		for (i = 0; i < 2; i++)
			for (j = 0; j < t[i].n; j++) {
				idx = lookup(t[i].got[j]);
				if (idx >= 0 && ++seen[idx] > 1)
					dup++;
			}
		total = t[0].n + t[1].n;
		/* migrate what thread 0 got, put back what thread 1 got */
		if (!dup)
			movcompat_core_migrate_list(&dom, t[0].got, t[0].n,
						    MIGRATE_SYNC, 0, 0);
		for (i = dup ? 0 : 1; i < 2; i++)
			for (j = 0; j < t[i].n; j++)
				if (t[i].got[j])
					movcompat_core_putback(&dom, t[i].got[j]);
		if (total != NPAGES - 1)	/* table[0] was released */
			break;
	}
	if (dup)
		report(false, "concurrent-isolate",
		       "%d pages isolated twice in round %d", dup, round);
	else if (total != NPAGES - 1)
		report(false, "concurrent-isolate",
		       "%d pages isolated, want %d", total, NPAGES - 1);
	else
		report(true, "concurrent-isolate", NULL);
}

/* no destination page: the page is put back, not lost */
static void test_dst_alloc_fails(void)
{
#ifdef MOVCOMPAT_FAULT_INJECTION
	struct movcompat_core_stats *s = &dom.core->stats;
	long dst_failed = core_stat(&s->dst_alloc_failed);
	struct page *page, *old;
	long failed;

	reset_calls();
	atomic_set(&dom.core->faults.fail_dst_alloc, 1);
	page = isolate_idx(3);
	old = page;
	if (!page) {
		report(false, "dst-alloc-fails", "could not isolate");
		return;
	}
	failed = movcompat_core_migrate_list(&dom, &page, 1, MIGRATE_SYNC, 0, 0);
	if (failed != 1 || core_stat(&s->dst_alloc_failed) != dst_failed + 1)
		report(false, "dst-alloc-fails", "failed %ld, dst_alloc_failed +%ld",
		       failed, core_stat(&s->dst_alloc_failed) - dst_failed);
	else if (atomic_read(&putback_calls) != 1 ||
		 movcompat_core_page_isolated(&dom, old) ||
		 READ_ONCE(table[3]) != old)
		report(false, "dst-alloc-fails",
		       "page not put back (putback calls %d, isolated %d)",
		       atomic_read(&putback_calls),
		       movcompat_core_page_isolated(&dom, old));
	else
		report(true, "dst-alloc-fails", NULL);
#else
	report(false, "dst-alloc-fails", "built without MOVCOMPAT_FAULT_INJECTION");
#endif
}

/*
 * a page that is no longer the domain's (released, here held locked by
 * someone else) is refused before the core touches its lock
 */
static void test_not_owned(void)
{
	struct movcompat_core_stats *s = &dom.core->stats;
	struct page *page = alloc_page(GFP_KERNEL);
	long busy = core_stat(&s->busy);
	int ret;

	if (!page) {
		report(false, "not-owned-never-locked", "no page");
		return;
	}
	reset_calls();
	lock_page(page);
	ret = movcompat_core_isolate(&dom, page, 0);
	unlock_page(page);
	if (!ret)
		movcompat_core_putback(&dom, page);
	if (ret != -ENOENT || core_stat(&s->busy) != busy ||
	    atomic_read(&isolate_calls))
		report(false, "not-owned-never-locked",
		       "core returned %d (want -ENOENT before the trylock), busy +%ld, isolate_page calls %d",
		       ret, core_stat(&s->busy) - busy,
		       atomic_read(&isolate_calls));
	else
		report(true, "not-owned-never-locked", NULL);
	__free_page(page);
}

/*
 * a driver bug: migrate_page returns 0 without movcompat_page_migrated();
 * the core reports it, frees the unused destination unlocked (no "Bad
 * page state") and the source stays in service, movable
 */
static void test_migrated_not_called(void)
{
	struct page *old;
	long failed;

	if (!migrate_idx_with(skip_migrated, 4, "migrated-not-called", &old,
			      &failed))
		return;
	if (READ_ONCE(table[4]) != old || movcompat_core_page_isolated(&dom, old))
		report(false, "migrated-not-called",
		       "source left the driver or stayed isolated (failed %ld)",
		       failed);
	else
		check_isolates_again(4, "migrated-not-called");
}

/*
 * a driver bug: migrate_page calls movcompat_page_migrated() and then
 * returns an error; the page counts as moved (the driver holds the
 * destination now): no putback, and the destination is not freed under
 * the driver
 */
static void test_error_after_migrated(void)
{
	struct page *page, *old;
	long failed;

	if (!migrate_idx_with(error_after_migrated, 6, "error-after-migrated",
			      &old, &failed))
		return;
	page = READ_ONCE(table[6]);
	if (failed || page == old || atomic_read(&putback_calls))
		report(false, "error-after-migrated",
		       "failed %ld, page %s, putback calls %d (want 0, moved, 0)",
		       failed, page == old ? "not moved" : "moved",
		       atomic_read(&putback_calls));
	else if (!intact(page, 6))
		report(false, "error-after-migrated", "the moved page lost its data");
	else
		check_isolates_again(6, "error-after-migrated");
}

/*
 * a page that was a fresh destination of a compaction pass and is moved
 * again (by an evacuation) leaves no bit behind at its old pfn
 */
static void test_fresh_cleared(void)
{
	unsigned long pfn;
	struct page *page;

	reset_calls();
	page = isolate_idx(5);
	if (!page) {
		report(false, "fresh-bit-cleared", "could not isolate");
		return;
	}
	pfn = page_to_pfn(page);
	mc_table_set_pinned(&dom.core->table, pfn, MC_FRESH);
	if (movcompat_core_migrate_list(&dom, &page, 1, MIGRATE_SYNC, 0, 0))
		report(false, "fresh-bit-cleared", "migration failed");
	else if (mc_table_test(&dom.core->table, pfn, MC_PRESENT) ||
		 mc_table_test(&dom.core->table, pfn, MC_ISOLATED) ||
		 mc_table_test(&dom.core->table, pfn, MC_FRESH))
		report(false, "fresh-bit-cleared",
		       "old pfn keeps bits present %d isolated %d fresh %d",
		       mc_table_test(&dom.core->table, pfn, MC_PRESENT),
		       mc_table_test(&dom.core->table, pfn, MC_ISOLATED),
		       mc_table_test(&dom.core->table, pfn, MC_FRESH));
	else
		report(true, "fresh-bit-cleared", NULL);
}

/*
 * the flags of one movcompat_alloc_page() call (an atomic caller) do not
 * become the flags every later pass allocates destinations with
 */
static void test_gfp_not_last_caller(void)
{
	struct page *page = movcompat_alloc_page(&dom, GFP_NOWAIT);
	gfp_t dst;

	if (page)
		put_page(page);
	dst = READ_ONCE(dom.core->gfp);
	/* GFP_KERNEL's reclaim, IO and FS bits (__GFP_WAIT before 4.4) */
	if ((dst & GFP_KERNEL) != GFP_KERNEL)
		report(false, "gfp-not-last-caller",
		       "after one GFP_NOWAIT allocation destinations are allocated with %#x (not GFP_KERNEL's reclaim)",
		       (unsigned int)(__force unsigned int)dst);
	else
		report(true, "gfp-not-last-caller", NULL);
}

static void test_data(void)
{
	int i, bad = 0;

	for (i = 1; i < NPAGES; i++)
		if (!intact(table[i], i) || page_private(table[i]))
			bad++;
	if (bad || atomic_read(&bad_calls))
		report(false, "data-intact",
		       "%d pages corrupted, %d callbacks on pages not in service",
		       bad, atomic_read(&bad_calls));
	else
		report(true, "data-intact", NULL);
}

static int results_show(struct seq_file *m, void *v)
{
	seq_write(m, results, results_len);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(results);

static int pfns_show(struct seq_file *m, void *v)
{
	struct page *page;
	int i;

	for (i = 0; i < NPAGES; i++) {
		page = READ_ONCE(table[i]);
		if (page)
			seq_printf(m, "%lu\n", page_to_pfn(page));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pfns);

static int __init mc_proto_init(void)
{
	int i, ret;

	results = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!results)
		return -ENOMEM;
	ret = movcompat_domain_init(&dom, &proto_ops, KBUILD_MODNAME, 0);
	if (ret) {
		kfree(results);
		return ret;
	}
	for (i = 0; i < NPAGES; i++) {
		struct page *page = movcompat_alloc_page(&dom, GFP_HIGHUSER);

		if (!page) {
			while (--i >= 0)
				release_idx(i);
			movcompat_domain_destroy(&dom);
			kfree(results);
			return -ENOMEM;
		}
		fill(page, i);
		lock_page(page);
		WARN_ON(movcompat_page_make_movable(&dom, page));
		unlock_page(page);
		table[i] = page;
	}
	test_release_isolated();
	test_eagain();
	test_permanent_error();
	test_tail();
	test_concurrent_isolate();
	test_dst_alloc_fails();
	test_not_owned();
	test_migrated_not_called();
	test_error_after_migrated();
	test_fresh_cleared();
	test_gfp_not_last_caller();
	test_data();
	pr_info("%s: backend %s\n%s", KBUILD_MODNAME, movcompat_backend_name(),
		results);
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("results", 0444, dir, NULL, &results_fops);
	debugfs_create_file("pfns", 0444, dir, NULL, &pfns_fops);
	return 0;
}

static void __exit mc_proto_exit(void)
{
	int i;

	debugfs_remove_recursive(dir);
	for (i = 0; i < NPAGES; i++)
		release_idx(i);
	movcompat_domain_destroy(&dom);
	kfree(results);
}

module_init(mc_proto_init);
module_exit(mc_proto_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("movcompat: protocol tests of the migration core");
