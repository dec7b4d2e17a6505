// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE: MOVCOMPAT_HAVE_RADIX_TREE_REPLACE_SLOT_ROOT
 * radix_tree_replace_slot() takes the tree's root first (before, only the
 *   slot and the item). Only used where there is no xarray (v4.20).
 * Added by 6d75f366b924 ("lib: radix-tree: check accounting of existing slot
 *   replacement users") in v4.10.
 */
#include <linux/radix-tree.h>

void movcompat_probe(struct radix_tree_root *root, void __rcu **slot,
		     void *item)
{
	radix_tree_replace_slot(root, slot, item);
}
