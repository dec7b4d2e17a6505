// SPDX-License-Identifier: GPL-2.0
/*
 * The leaked-domain guard. movcompat is linked into each driver module, so
 * a domain the driver never destroys (an error path of module_init that
 * returns without movcompat_domain_destroy(), or an exit that forgets it)
 * would leave kernel objects pointing into the freed module: the core's
 * memory notifier (the next offline faults in notifier_call_chain()), its
 * debugfs files, the carrier's balloon devices, pages whose page->mapping
 * names the module's callbacks.
 *
 * Each domain is recorded here from movcompat_domain_init() to
 * movcompat_domain_destroy(), with a copy of everything its teardown needs
 * (the driver may have freed the domain's memory with its own). When the
 * module is freed, after a failed init as after an unload, the kernel
 * calls the free hook of every module parameter (free_module() ->
 * module_destroy_params(), destroy_params() before 6.4) while the module's
 * memory is still there: a hidden parameter's hook tears down each domain
 * still recorded, with one loud message naming the module and the domain.
 * No driver callback runs then: the driver's data may be gone. (A module
 * notifier cannot do it: its own notifier_block would stay in the chain of
 * a freed module, and it cannot unregister from inside the chain.)
 */
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <movcompat/movcompat.h>
#include "movcompat_internal.h"

/**
 * struct movcompat_live - a registered domain, as its teardown needs it.
 * @node: in live_domains.
 * @name: the domain's name (a copy).
 * @owner: native backends: the page->mapping of the domain's pages.
 * @mapping: aops: the domain's address_space (movcompat's allocation).
 * @core: core backend: the domain's core (movcompat's allocation).
 */
struct movcompat_live {
	struct list_head node;
	char name[32];
#if defined(MOVCOMPAT_BACKEND_MOPS) || defined(MOVCOMPAT_BACKEND_AOPS)
	unsigned long owner;
#endif
#ifdef MOVCOMPAT_BACKEND_AOPS
	struct address_space *mapping;
#endif
#ifdef MOVCOMPAT_BACKEND_CORE
	struct movcompat_core *core;
#endif
};

static LIST_HEAD(live_domains);
static DEFINE_MUTEX(live_lock);

/* Record @dom, its backend set up. Return: 0 or -ENOMEM. */
int movcompat_live_add(struct movcompat_domain *dom)
{
	struct movcompat_live *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return -ENOMEM;
	strscpy(l->name, dom->name, sizeof(l->name));
#if defined(MOVCOMPAT_BACKEND_MOPS) || defined(MOVCOMPAT_BACKEND_AOPS)
	l->owner = movcompat_native_owner(dom);
#endif
#ifdef MOVCOMPAT_BACKEND_AOPS
	l->mapping = dom->mapping;
#endif
#ifdef MOVCOMPAT_BACKEND_CORE
	l->core = dom->core;
#endif
	mutex_lock(&live_lock);
	list_add(&l->node, &live_domains);
	mutex_unlock(&live_lock);
	dom->live = l;
	return 0;
}

/* @dom is being destroyed by its driver: forget the record. */
void movcompat_live_del(struct movcompat_domain *dom)
{
	if (!dom->live)
		return;
	mutex_lock(&live_lock);
	list_del(&dom->live->node);
	mutex_unlock(&live_lock);
	kfree(dom->live);
	dom->live = NULL;
}

/* the module is being freed with @l still registered */
static void live_teardown(struct movcompat_live *l)
{
	pr_err("movcompat: module %s is being freed with domain %s still registered (movcompat_domain_destroy() is missing on an exit or error path of the driver): movcompat tears it down, without the driver's callbacks\n",
	       KBUILD_MODNAME, l->name);
#if defined(MOVCOMPAT_BACKEND_MOPS)
	movcompat_native_forget(l->owner, l->name);
#elif defined(MOVCOMPAT_BACKEND_AOPS)
	/* a page the kernel kept isolated still needs the mapping */
	if (!movcompat_native_forget(l->owner, l->name))
		kfree(l->mapping);
#elif defined(MOVCOMPAT_BACKEND_CORE)
	movcompat_core_orphan_teardown(l->core, l->name);
#endif
}

static void live_guard_free(void *arg)
{
	struct movcompat_live *l, *next;

	mutex_lock(&live_lock);
	list_for_each_entry_safe(l, next, &live_domains, node) {
		list_del(&l->node);
		live_teardown(l);
		kfree(l);
	}
	mutex_unlock(&live_lock);
}

static int live_guard_set(const char *val, const struct kernel_param *kp)
{
	pr_err("movcompat: %s: movcompat_leak_guard is movcompat's teardown hook, not a setting\n",
	       KBUILD_MODNAME);
	return -EINVAL;
}

static const struct kernel_param_ops live_guard_ops = {
	.set = live_guard_set,
	.free = live_guard_free,
};

/* permission 0: no sysfs file; its only use is the free hook */
module_param_cb(movcompat_leak_guard, &live_guard_ops, NULL, 0);
