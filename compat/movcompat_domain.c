// SPDX-License-Identifier: GPL-2.0
/*
 * movcompat domains: registration and teardown, common to every backend.
 * The aops backend's address_space lives in movcompat_aops.c.
 */
#include <linux/bug.h>
#include <linux/printk.h>
#include <movcompat/movcompat.h>
#include "movcompat_internal.h"

/**
 * movcompat_domain_init_flags() - register a driver's movable page callbacks.
 * @dom: the domain to initialise (embedded in the driver's state).
 * @ops: the callbacks; all three must be set; must outlive the domain.
 * @name: short name used in messages (and the core's debugfs directory).
 * @flags: MOVCOMPAT_DOMAIN_BALLOON_CARRIER to ask for the balloon carrier
 *	where it exists (movcompat_domain_backend_name() tells what you got).
 *
 * Return: 0, -EINVAL if @ops is incomplete or @flags unknown, -ENOMEM.
 */
int movcompat_domain_init_flags(struct movcompat_domain *dom,
				const struct movable_operations *ops,
				const char *name, unsigned int flags)
{
	int ret;

	if (flags & ~MOVCOMPAT_DOMAIN_BALLOON_CARRIER) {
		pr_err("movcompat: domain %s: unknown flags %#x\n",
		       name ? name : "(unnamed)", flags);
		return -EINVAL;
	}
	if (!ops || !ops->isolate_page || !ops->migrate_page ||
	    !ops->putback_page) {
		pr_err("movcompat: domain %s: isolate_page, migrate_page and putback_page must all be set\n",
		       name ? name : "(unnamed)");
		return -EINVAL;
	}
	dom->ops = ops;
	dom->name = name ? name : "movcompat";
	atomic_long_set(&dom->nr_movable, 0);
#ifndef MOVCOMPAT_BACKEND_CORE
	if (flags & MOVCOMPAT_DOMAIN_BALLOON_CARRIER)
		pr_info("movcompat: domain %s: backend %s: the kernel's own hook moves these pages, without the balloon carrier's side effects; the carrier serves kernels with no hook (or MOVCOMPAT_BACKEND=core)\n",
			dom->name, movcompat_backend_name());
#endif
#ifdef MOVCOMPAT_BACKEND_NONE_NONGPL
	pr_info("movcompat: domain %s: backend none: this kernel has no driver hook, and movcompat's core needs GPL-only exports a non-GPL module cannot use: its pages are never moved (and never placed in ZONE_MOVABLE or CMA)\n",
		dom->name);
#endif
	dom->live = NULL;
	ret = movcompat_backend_domain_init(dom, flags);
	if (ret)
		return ret;
	/* the leaked-domain guard (movcompat_live.c) */
	ret = movcompat_live_add(dom);
	if (ret)
		movcompat_backend_domain_destroy(dom);
	return ret;
}

/**
 * movcompat_domain_init() - register a driver's movable page callbacks.
 * @dom: the domain to initialise (embedded in the driver's state).
 * @ops: the callbacks; all three must be set; must outlive the domain.
 * @name: short name used in messages.
 *
 * Return: 0, -EINVAL if @ops is incomplete, -ENOMEM.
 */
int movcompat_domain_init(struct movcompat_domain *dom,
			  const struct movable_operations *ops,
			  const char *name)
{
	return movcompat_domain_init_flags(dom, ops, name, 0);
}

/**
 * movcompat_domain_destroy() - tear a domain down.
 * @dom: the domain.
 *
 * Every page must have been released with movcompat_page_release() first:
 * then no page points at the domain and no callback can run any more, even
 * while compaction is running. If pages were not released (a driver bug)
 * this says so with a stack trace, then takes the pages out of the
 * kernel's reach while the driver's callbacks, which must still work, can
 * move them: each page is moved out of ZONE_MOVABLE and CMA (nothing could
 * move it later) through the driver's isolate_page/migrate_page, and
 * stops pointing at the domain (carrier: taken back from the kernel;
 * native backends: found by their page->mapping in a walk of the memory
 * map, their movable owner cleared). The pages stay the driver's
 * (its references). aops keeps the domain's mapping allocated (leaks it)
 * only if the kernel held a page isolated for over 10 s.
 * The core backend always stops its triggers (memory notifier, debugfs)
 * and waits for running passes: after this returns no code of the module
 * runs on the domain's behalf. A domain never destroyed is torn down when
 * its module is freed (a failed module_init included), with a loud
 * message, but without the driver's callbacks: its pages are not moved
 * then (see compat/movcompat_live.c).
 */
void movcompat_domain_destroy(struct movcompat_domain *dom)
{
	long left = atomic_long_read(&dom->nr_movable);

	movcompat_live_del(dom);
	if (left) {
		/* loud, with the driver's call chain, but not a kernel warning */
		pr_err("movcompat: domain %s destroyed with %ld pages not released: a driver bug (release every page with movcompat_page_release() first)\n",
		       dom->name, left);
		dump_stack();
		/* aops: pages the kernel still holds keep the mapping in use */
		if (movcompat_native_drain(dom) && IS_ENABLED(MOVCOMPAT_BACKEND_AOPS))
			return;
	}
	movcompat_backend_domain_destroy(dom);
}
