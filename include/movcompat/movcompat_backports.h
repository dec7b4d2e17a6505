/* SPDX-License-Identifier: GPL-2.0 */
/*
 * movcompat_backports.h - general kernel helpers that drivers (and
 * movcompat's examples) write in their modern spelling, defined here where
 * the target kernel lacks them. Each is decided by a probe in
 * compat/probes/ (the provenance is in the probe file), never by the
 * version number: RHEL's 3.10 and 4.18 carry some of them and not others.
 * <movcompat/movcompat.h> includes this file; nothing here is movcompat's
 * own API.
 */
#ifndef _MOVCOMPAT_BACKPORTS_H
#define _MOVCOMPAT_BACKPORTS_H

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "movcompat_config.h"

#ifndef MOVCOMPAT_HAVE_TOTALRAM_PAGES_FN
/* before 5.0 totalram_pages is a variable: totalram_pages() reads it */
#define totalram_pages() (totalram_pages)
#endif

#ifndef MOVCOMPAT_HAVE_ARRAY_SIZE
/* a * b, or SIZE_MAX when that overflows (so the allocation fails) */
static inline size_t movcompat__array_size(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		return SIZE_MAX;
	return a * b;
}

#define array_size(a, b) movcompat__array_size(a, b)
#endif

#ifndef MOVCOMPAT_HAVE_KMAP_LOCAL_PAGE
/* kmap_atomic() also disables preemption and page faults: stricter */
#define kmap_local_page(page) kmap_atomic(page)
#define kunmap_local(addr) kunmap_atomic(addr)
#endif

#ifndef MOVCOMPAT_HAVE_MEMCPY_TO_PAGE
static inline void memcpy_to_page(struct page *page, size_t offset,
				  const char *from, size_t len)
{
	char *to = kmap_atomic(page);

	memcpy(to + offset, from, len);
	kunmap_atomic(to);
}

static inline void memcpy_from_page(char *to, struct page *page,
				    size_t offset, size_t len)
{
	char *from = kmap_atomic(page);

	memcpy(to, from + offset, len);
	kunmap_atomic(from);
}
#endif

#ifndef MOVCOMPAT_HAVE_DEFINE_SHOW_ATTRIBUTE
/* NAME_fops for a debugfs or proc file shown by NAME_show(seq, data) */
#define DEFINE_SHOW_ATTRIBUTE(name)					\
static int name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= name ## _open,				\
	.read		= seq_read,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}
#endif

#endif /* _MOVCOMPAT_BACKPORTS_H */
