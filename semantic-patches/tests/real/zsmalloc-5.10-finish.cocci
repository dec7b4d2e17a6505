// SPDX-License-Identifier: GPL-2.0
/// The hand-finishing a human does after to_movcompat.cocci on 5.10's
/// mm/zsmalloc.c, for the items the semantic patch reports (driver state
/// reached through the mapping): the same change upstream made in 6.0
/// (struct zspage gets a pool pointer). Used only by ci/cocci-test.sh to
/// build the converted 5.10 file; it is not one of the transitions.
///
// Confidence: High
// Options: --no-includes --include-headers

virtual patch

@depends on patch@
@@
 struct zspage {
 ...
+	struct zs_pool *pool;
 };

@depends on patch@
identifier z;
@@
 z->magic = ZSPAGE_MAGIC;
+z->pool = pool;

@depends on patch@
identifier mapping;
@@
(
- mapping = page_mapping(...);
|
- pool = mapping->private_data;
+ pool = zspage->pool;
|
- struct address_space *mapping;
)
