// SPDX-License-Identifier: GPL-2.0
/*
 * Tricky cases for mops_to_movcompat.cocci (a fragment, not a whole
 * driver): a table that is not static, a migrate callback shared by two
 * tables, code under #ifdef CONFIG_COMPACTION, a macro around the calls,
 * PageMovable() outside an assertion, and a __ClearPageMovable() that is
 * not part of a recognised release sequence.
 */
#include <linux/migrate.h>
#include <linux/module.h>

#define TRICKY_UNMARK(page) do { __ClearPageMovable(page); } while (0)

static bool tricky_isolate(struct page *page, isolate_mode_t mode)
{
	return PageMovable(page);
}

#ifdef CONFIG_COMPACTION
static int tricky_migrate(struct page *dst, struct page *src,
			  enum migrate_mode mode)
{
	get_page(dst);
	__SetPageMovable(dst, page_movable_ops(src));
	__ClearPageMovable(src);
	put_page(src);
	return MIGRATEPAGE_SUCCESS;
}
#endif

static void tricky_putback(struct page *page)
{
}

const struct movable_operations tricky_a_mops = {
	.isolate_page = tricky_isolate,
	.migrate_page = tricky_migrate,
	.putback_page = tricky_putback,
};

static const struct movable_operations tricky_b_mops = {
	.isolate_page = tricky_isolate,
	.migrate_page = tricky_migrate,
	.putback_page = tricky_putback,
};

static void tricky_mark(struct page *a, struct page *b)
{
	lock_page(a);
	__SetPageMovable(a, &tricky_a_mops);
	unlock_page(a);
	lock_page(b);
	__SetPageMovable(b, &tricky_b_mops);
	unlock_page(b);
}

static void tricky_drop(struct page *a, struct page *b)
{
	lock_page(a);
	__ClearPageMovable(a);
	unlock_page(a);
	put_page(a);
	lock_page(b);
	TRICKY_UNMARK(b);
	unlock_page(b);
}

static int __init tricky_init(void)
{
	return 0;
}

static void __exit tricky_exit(void)
{
}

module_init(tricky_init);
module_exit(tricky_exit);
