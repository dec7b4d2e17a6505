// SPDX-License-Identifier: GPL-2.0
/// Port a driver's movable pages from the address_space era (4.8-5.19:
/// mapping->a_ops->isolate_page/migratepage/putback_page) to
/// struct movable_operations (6.0, upstream commit 68f2736a8583).
///
/// Converts: the ops table (type, name *_aops -> *_mops, .migratepage ->
/// .migrate_page), the migrate callback's signature (the mapping argument
/// goes, destination stays first) in definitions and prototypes,
/// __SetPageMovable(page, mapping) -> __SetPageMovable(page, &ops), and the
/// mapping->a_ops / mapping->private_data set-up lines.
/// Reports (finish by hand): uses of the removed mapping argument, driver
/// state reached through page_mapping(page) (NULL for movable pages from
/// 6.0 on: a NULL dereference at run time), the pseudo filesystem and
/// anonymous inode plumbing (kern_mount, init_pseudo, alloc_anon_inode,
/// iput, kern_unmount) that only carried the a_ops, and __SetPageMovable()
/// calls whose ops table could not be determined.
/// Report mode exits with status 1 when something is left to finish.
///
// Confidence: Medium
// Copyright: (C) 2026 movcompat contributors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Keywords: movable_operations, address_space_operations, __SetPageMovable
// Comments: tested with spatch 1.1.1 and 1.3.0

virtual patch
virtual context
virtual org
virtual report

@initialize:python@
@@
# ---- shared by every movcompat semantic patch (generated from tools/prelude.py by generate.sh) ----
import os
import re
import subprocess
import shutil
import sys
mc_mode = ["patch"]
mc_left = []
mc_verdict = {}
mc_last = [True]
# with --jobs N (as make coccicheck runs it) rules run in forked workers
# whose output the parent prints only after finalize: every line printed
# in report/org mode is also recorded in a file named after the parent's
# pid, so that finalize can count what is left to finish and, when it
# must exit non-zero, print the workers' lines itself first
mc_leftfile = os.path.join(os.environ.get("TMPDIR", "/tmp"),
			   "movcompat-cocci-left-%d" % os.getpid())
mc_lastfile = [None]
mc_seen = set()
# report/org mode: (file, line) of the MANUAL items patch mode printed
mc_manual_at = set()
# files that define the API a patch converts (the kernel's own
# implementation and headers): no conversion, no note
mc_api = set()


def mc_say(text, manual):
	"""Print one report/org line (or a MANUAL note on stderr in the other
	modes) and record it for finalize."""
	import json
	if mc_mode[0] in ("report", "org"):
		sys.stdout.write(text)
	elif manual:
		sys.stderr.write(text)
	if manual:
		mc_left.append(text)
	with open(mc_leftfile, "a") as out:
		out.write(json.dumps([os.getpid(), mc_mode[0], manual, text]) + "\n")


def mc_format(p, msg, f=None, line=None):
	"""The line coccilib would print for this position and message."""
	import io
	if f is not None and f != p[0].file or mc_mode[0] not in ("report", "org"):
		return "%s:%s:%s: %s\n" % (f or p[0].file, line or p[0].line,
					   "0-0" if mc_mode[0] in ("report", "org") else "", msg)
	buf = io.StringIO()
	old = sys.stdout
	sys.stdout = buf
	try:
		if mc_mode[0] == "report":
			coccilib.report.print_report(p[0], msg)
		else:
			coccilib.org.print_todo(p[0], msg)
	finally:
		sys.stdout = old
	return buf.getvalue()


def mc_emit(file, line, msg):
	"""A MANUAL note for a file and line (no position at hand). In report
	and org mode the MANUAL items come from patch mode (mc_patch_manual)."""
	if file in mc_api or mc_mode[0] in ("report", "org"):
		return
	if mc_mode[0] in ("report", "org"):
		mc_say("%s:%s:0-0: MANUAL: %s\n" % (file, line, msg), True)
	else:
		mc_say("%s:%s: MANUAL: %s\n" % (file, line, msg), True)


def mc_note(p, msg):
	"""Something a human must finish: printed in every mode."""
	if not mc_parse_ok(p) or mc_mode[0] in ("report", "org"):
		return
	f, line = mc_where(p)
	if (f, str(line)) in mc_seen:
		return
	mc_seen.add((f, str(line)))
	mc_emit(f, line, msg)


# options of the parent spatch that change what patch mode does: passed
# on to the patch-mode run of report and org mode (with their argument)
MC_CHILD_OPTS = {"-I": 1, "--include": 1, "--macro-file": 1,
		 "--macro-file-builtins": 1, "--iso-file": 1,
		 "--include-headers": 0, "--no-includes": 0, "--all-includes": 0,
		 "--local-includes": 0, "--recursive-includes": 0,
		 "--include-headers-for-types": 0}


def mc_patch_manual(f):
	"""report/org mode: one source of truth for what is left. The MANUAL
	items of a file are exactly those patch mode prints for it: run this
	semantic patch in patch mode on the file (which it only reads) and
	relay its MANUAL lines; a run that fails is itself reported."""
	try:
		argv = [a.decode(errors="replace") for a in
			open("/proc/self/cmdline", "rb").read().split(b"\0")[:-1]]
	except OSError:
		argv = []
	cocci, keep, i = None, [], 1
	while i < len(argv):
		a = argv[i]
		if a in ("--sp-file", "--cocci-file") and i + 1 < len(argv):
			cocci = argv[i + 1]
		elif a.endswith(".cocci") and cocci is None:
			cocci = a
		if a in MC_CHILD_OPTS:
			keep += argv[i:i + 1 + MC_CHILD_OPTS[a]]
			i += MC_CHILD_OPTS[a]
		i += 1
	spatch = os.environ.get("MC_SPATCH") or shutil.which("spatch") or "spatch"
	why = None
	if cocci is None:
		why = "no --sp-file/--cocci-file on the command line"
	else:
		try:
			r = subprocess.run([spatch, "--very-quiet", "-D", "patch", "--sp-file",
					    cocci] + keep + [f], stdout=subprocess.DEVNULL,
					   stderr=subprocess.PIPE, timeout=900)
			err = r.stderr.decode(errors="replace")
			if r.returncode != 0:
				why = "it exited %d: %s" % (r.returncode, err.strip()[-200:])
		except Exception as e:
			why = str(e)
	if why is not None:
		mc_say("%s:1:0-0: MANUAL: report mode could not run this patch in patch mode to find what is left (%s): run spatch -D patch on this file\n" % (f, why), True)
		return
	for m in re.finditer(r"^(.*?):(\d+|\?): MANUAL: (.*)$", err, re.M):
		mc_manual_at.add((m.group(1), m.group(2)))
		if mc_mode[0] == "org":
			msg = m.group(3).replace("[", "@(").replace("]", ")")
			mc_say("* TODO [[view:%s::face=ovl-face1::linb=%s::colb=0::cole=0][MANUAL: %s]]\n"
			       % (m.group(1), m.group(2), msg), True)
		else:
			mc_say("%s:%s:0-0: MANUAL: %s\n" % (m.group(1), m.group(2), m.group(3)), True)


def mc_real(p):
	"""The real file of a position (see mc_where)."""
	f = p[0].file
	if ("cocci_small_output" in f or "cocci-output" in f) and mc_lastfile[0]:
		return mc_lastfile[0]
	return f


def mc_where(p):
	"""File and line of a position; positions in code an earlier rule
	changed point into spatch's temporary copy of that function: map them
	back to the real file through the function's first line."""
	f, line = p[0].file, p[0].line
	if ("cocci_small_output" in f or "cocci-output" in f) and mc_lastfile[0]:
		real = mc_lastfile[0]
		fn = re.escape(p[0].current_element)
		head = re.compile(r"[A-Za-z_].*\b%s\s*\(" % fn)
		# the copy may begin before the first line of the function (with
		# a preprocessor line spatch keeps with it): count from there
		# (no single quote in comments here: SmPL lexes them)
		at = {}
		try:
			for path in (real, f):
				for n, text in enumerate(open(path, errors="replace"), 1):
					if head.match(text) and not text.rstrip().endswith(";"):
						at[path] = n
						break
		except OSError:
			pass
		if real in at:
			return real, at[real] + int(line) - at.get(f, 1)
		return real, "?"
	return f, line


def mc_info(p, msg):
	"""What the patch mode converts: printed in report and org modes,
	except on a line where patch mode leaves a MANUAL item."""
	if not mc_parse_ok(p) or mc_mode[0] not in ("report", "org"):
		return
	f, line = mc_where(p)
	if (f, str(line)) in mc_manual_at:
		return
	mc_say(mc_format(p, msg, f, line), False)


def mc_finish():
	"""finalize: in report/org mode exit 1 when something is left to
	finish by hand, after printing what forked workers printed."""
	import json
	recs = []
	if os.path.exists(mc_leftfile):
		recs = [json.loads(x) for x in open(mc_leftfile)]
		os.unlink(mc_leftfile)
	left = [r for r in recs if r[1] in ("report", "org") and r[2]]
	if not left:
		return
	for r in recs:
		if r[0] != os.getpid() and r[1] in ("report", "org"):
			sys.stdout.write(r[3])
	sys.stdout.flush()
	sys.stderr.write("%d item(s) could not be converted automatically\n" % len(left))
	sys.exit(1)


def mc_parse_ok(p):
	"""False when spatch could not parse code of this file that uses the
	API (reported once); every conversion rule then leaves the file alone,
	so it is never half converted."""
	f = p[0].file
	if mc_real(p) in mc_api:
		return False
	if "cocci_small_output" in f or "cocci-output" in f or not os.path.exists(f):
		return mc_last[0]
	mc_lastfile[0] = f
	if f in mc_verdict:
		mc_last[0] = mc_verdict[f]
		return mc_verdict[f]
	ok = True
	src = []
	spatch = os.environ.get("MC_SPATCH") or shutil.which("spatch") or "spatch"
	try:
		out = subprocess.run([spatch, "--parse-c", f], stdout=subprocess.PIPE,
				     stderr=subprocess.STDOUT, timeout=300).stdout
		out = out.decode(errors="replace")
		src = open(f, errors="replace").read().split("\n")
	except Exception as e:
		sys.stderr.write("%s: could not run %s --parse-c: %s\n" % (f, spatch, e))
		out = ""
	errs = re.findall(r'parse error\s*\n\s*= File "[^"]*", line (\d+)', out)
	for n in sorted(set(int(x) for x in errs)):
		a = n - 1
		while a > 0 and not re.match(r"[A-Za-z_]", src[a]):
			a -= 1
		b = n - 1
		while b < len(src) - 1 and not src[b].startswith("}"):
			b += 1
		if MC_TOKENS.search("\n".join(src[a:b + 1])):
			ok = False
			mc_emit(f, n, "spatch cannot parse this code (lines %d-%d), which uses the API: file left unchanged; fix or convert by hand" % (a + 1, b + 1))
	# SmPL does not rewrite macro bodies: report API uses inside #define
	inmacro = False
	for n, line in enumerate(src, 1):
		if re.match(r"\s*#\s*define\b", line):
			inmacro = True
		if inmacro and MC_MACRO.search(line):
			mc_seen.add((f, str(n)))
			mc_emit(f, n, "macro body uses the API (%s): SmPL does not rewrite macro bodies; convert by hand" % MC_MACRO.search(line).group(1))
		inmacro = inmacro and line.rstrip().endswith(chr(92))
	mc_verdict[f] = ok
	mc_last[0] = ok
	if mc_mode[0] in ("report", "org"):
		mc_patch_manual(f)
	return ok
# ---- end of the shared part ----
MC_MACRO = re.compile(r"\b(__SetPageMovable|page_mapping)\b")
MC_TOKENS = re.compile(r"\b(__SetPageMovable|address_space_operations|migratepage|isolate_page|putback_page|page_mapping|a_ops)\b")
mc_assigned = {}
mc_tables = {}
mc_firstuse = {}
mc_hasdecl = set()

@script:python depends on report@
@@
mc_mode[0] = "report"

@script:python depends on org@
@@
mc_mode[0] = "org"

@script:python depends on context@
@@
mc_mode[0] = "context"

// ---- parse guard: a file spatch cannot fully parse is left unchanged
@a_g1@
identifier aops, fi;
position p;
@@
struct address_space_operations aops@p = {
	.isolate_page = fi,
};

@script:python a_ok1@
p << a_g1.p;
@@
if not mc_parse_ok(p):
	cocci.include_match(False)

@a_g2@
position p;
@@
__SetPageMovable@p(...)

@script:python a_ok2@
p << a_g2.p;
@@
if not mc_parse_ok(p):
	cocci.include_match(False)

// ---- the ops table: an address_space_operations with .isolate_page
@a_ops@
identifier aops, fi;
position p;
@@
struct address_space_operations aops@p = {
	.isolate_page = fi,
};

@script:python a_name@
aops << a_ops.aops;
mops;
@@
coccinelle.mops = cocci.make_ident(aops[:-4] + "mops" if aops.endswith("aops")
				   else aops + "_mops")

@a_mig@
identifier a_ops.aops, fm;
@@
struct address_space_operations aops = {
	.migratepage = fm,
};

// a second table in the same file: __SetPageMovable(page, mapping) is then
// only converted where the mapping's a_ops assignment names the table
@script:python@
p << a_ops.p;
@@
mc_tables[mc_real(p)] = mc_tables.get(mc_real(p), 0) + 1

@a_assign@
identifier a_ops.aops;
expression M;
@@
M->a_ops = &aops;

@script:python depends on report || org@
aops << a_ops.aops;
mops << a_name.mops;
p << a_ops.p;
@@
mc_info(p, "ops table %s: struct address_space_operations -> struct movable_operations %s" % (aops, mops))

// ---- __SetPageMovable() calls whose table cannot be determined
@script:python@
M << a_assign.M;
p << a_ops.p;
@@
mc_assigned.setdefault(p[0].file, set()).add(M)

@a_new@
identifier ops, fi;
@@
struct movable_operations ops = {
	.isolate_page = fi,
};

@a_left exists@
expression P, M, Q;
position p;
@@
(
 __SetPageMovable(P, &Q)
|
 __SetPageMovable(P, page_movable_ops(Q))
|
 __SetPageMovable@p(P, M)
)

@script:python depends on !a_ops && !a_new@
p << a_left.p;
@@
mc_note(p, "__SetPageMovable(page, mapping) but no address_space_operations table with .isolate_page in this file: pass &the_movable_operations_table by hand")

@script:python@
p << a_left.p;
M << a_left.M;
@@
if mc_tables.get(mc_real(p), 0) >= 2 and M not in mc_assigned.get(p[0].file, set()):
	mc_note(p, "__SetPageMovable(page, %s): two ops tables in this file and no '%s->a_ops = &table' to tell which: pass &the_movable_operations_table by hand" % (M, M))

@script:python depends on a_ops && !patch@
p << a_left.p;
@@
if mc_tables.get(mc_real(p), 0) < 2:
	mc_info(p, "__SetPageMovable(page, mapping) -> __SetPageMovable(page, &ops)")

// ---- the table used before its definition needs a forward declaration
// (the a_ops used to be reached through the mapping)
@script:python@
p << a_left.p;
tp << a_ops.p;
@@
if int(p[0].line) < int(tp[0].line):
	k = p[0].file
	if k not in mc_firstuse or int(p[0].line) < mc_firstuse[k][0]:
		mc_firstuse[k] = (int(p[0].line), p[0].current_element)

@a_static@
identifier a_ops.aops;
@@
static const struct address_space_operations aops = {...};

// (a declaration pattern also matches the definition: compare positions)
@a_hasdecl@
identifier a_ops.aops;
position p;
@@
struct address_space_operations aops@p;

@script:python@
p << a_hasdecl.p;
tp << a_ops.p;
@@
if (p[0].line, p[0].column) != (tp[0].line, tp[0].column):
	mc_hasdecl.add(p[0].file)

@script:python depends on !a_static@
tp << a_ops.p;
aops << a_ops.aops;
@@
if tp[0].file in mc_firstuse and tp[0].file not in mc_hasdecl:
	mc_note(tp, "%s is used before its definition and is not static const: declare it before line %d" % (aops, mc_firstuse[tp[0].file][0]))

// ---- uses of the mapping argument (checked before it is removed)
@a_cbuse exists@
identifier a_mig.fm, m, d, s, mode;
expression P;
position p;
@@
 fm(struct address_space *m, struct page *d, struct page *s,
    enum migrate_mode mode)
 {
 <+...
(
 __SetPageMovable(P, m)
|
 m@p
)
 ...+>
 }

@script:python@
p << a_cbuse.p;
fm << a_mig.fm;
m << a_cbuse.m;
@@
mc_note(p, "%s() uses its mapping argument '%s', which 6.0 removed: reach the driver state another way (upstream zsmalloc: zspage->pool)" % (fm, m))

// ---- driver state through page_mapping(): NULL for movable pages in 6.0
@a_pm exists@
expression P, Q;
position p;
@@
(
 __SetPageMovable(Q, page_mapping(P))
|
 page_mapping(P)@p
)

@script:python depends on a_ops@
p << a_pm.p;
@@
mc_note(p, "page_mapping() of a movable page is NULL from 6.0 on: keep the driver state elsewhere (e.g. page_private or the driver's own structure)")

@a_setupr depends on !patch@
identifier a_ops.aops;
expression M;
position p;
@@
M->a_ops@p = &aops;

@script:python@
p << a_setupr.p;
@@
mc_info(p, "remove the a_ops assignment (the ops table is passed to __SetPageMovable() from 6.0)")

// ---- balloon-core users (4.8-5.19): the driver gives its own inode the
// balloon core's a_ops. From 6.0 the balloon core makes balloon pages
// movable itself (balloon_mops) and struct balloon_dev_info has no inode:
// the assignment goes, the inode and the pseudo filesystem are reported
// (upstream 68f2736a8583 removed them from virtio_balloon, vmw_balloon
// and cmm)
@a_bal@
expression M;
symbol balloon_aops;
position p;
@@
M->a_ops@p = &balloon_aops;

@script:python depends on !patch@
p << a_bal.p;
@@
mc_info(p, "remove the a_ops = &balloon_aops assignment (from 6.0 the balloon core makes balloon pages movable)")

@a_balinode depends on a_bal@
struct balloon_dev_info E;
position p;
@@
E.inode@p

@script:python@
p << a_balinode.p;
@@
mc_note(p, "struct balloon_dev_info has no inode from 6.0 (the balloon core sets the movable ops): remove this use, the anonymous inode it held (alloc_anon_inode()/iput()) and its error paths")

@a_plumb@
position p;
identifier f = {kern_mount, kern_mount_data, init_pseudo, mount_pseudo,
		mount_pseudo_xattr, alloc_anon_inode, kern_unmount,
		register_filesystem, unregister_filesystem};
@@
f@p(...)

@script:python depends on a_ops || a_bal@
p << a_plumb.p;
f << a_plumb.f;
@@
mc_note(p, "%s(): pseudo filesystem / anonymous inode plumbing that only carried the a_ops: remove it with its error paths and iput() (6.0 needs no address_space)" % f)

// the pseudo filesystem's own declarations: its vfsmount and its type
@a_fsdecl@
identifier v;
position p;
@@
(
 struct vfsmount *v@p;
|
 struct file_system_type v@p = {...};
)

@script:python depends on a_ops || a_bal@
p << a_fsdecl.p;
v << a_fsdecl.v;
@@
mc_note(p, "'%s' only served the pseudo filesystem that carried the a_ops: remove it (with its init_fs_context function and the labels its error paths leave unused)" % v)

// the anonymous inode whose mapping carried the a_ops
@a_inode@
identifier v;
position p;
@@
 struct inode *v@p;

@a_inodeset@
identifier a_inode.v;
@@
 v = alloc_anon_inode(...)

@script:python depends on (a_ops || a_bal) && a_inodeset@
p << a_inode.p;
v << a_inode.v;
@@
mc_note(p, "'%s' is the anonymous inode that carried the a_ops: remove it with its iput() calls" % v)

// ---- __SetPageMovable(page, mapping) -> __SetPageMovable(page, &ops)
@a_set1 depends on patch && (a_ok1 || a_ok2)@
expression a_assign.M, P;
identifier a_name.mops;
@@
 __SetPageMovable(P,
-	M
+	&mops
 )

@a_set2 depends on patch && (a_ok1 || a_ok2)@
expression P, M;
identifier a_name.mops;
position p : script:python() { mc_tables.get(mc_real(p), 0) < 2 };
@@
(
 __SetPageMovable(P, &M)
|
 __SetPageMovable@p(P,
-	M
+	&mops
 )
)

@a_fwd depends on patch && (a_ok1 || a_ok2) && a_static@
identifier a_name.mops, f;
position p : script:python() {
	mc_real(p) not in mc_hasdecl and
	mc_firstuse.get(mc_real(p), (0, None))[1] == p[0].current_element
};
@@
+static const struct movable_operations mops;
+
 f@p(...) {...}

// ---- the migrate callback loses its mapping argument
@a_cb depends on patch && (a_ok1 || a_ok2)@
identifier a_mig.fm, m, d, s, mode;
@@
 fm(
-	struct address_space *m,
	struct page *d, struct page *s, enum migrate_mode mode) {...}

@a_proto depends on patch && (a_ok1 || a_ok2)@
identifier a_mig.fm, m;
type T;
@@
(
 T fm(
-	struct address_space *m,
	...);
|
 T fm(
-	struct address_space *,
	...);
)

// ---- set-up lines that only served the a_ops
@a_balsetup depends on patch@
expression M;
symbol balloon_aops;
@@
- M->a_ops = &balloon_aops;

@a_setup depends on patch && (a_ok1 || a_ok2)@
identifier a_ops.aops;
expression M;
@@
- M->a_ops = &aops;

@a_setpriv depends on patch && (a_ok1 || a_ok2)@
expression a_assign.M, E;
@@
- M->private_data = E;

// ---- the table itself, its declarations and every use of its name
@a_tabm depends on patch && (a_ok1 || a_ok2)@
identifier a_ops.aops, fm;
@@
 struct address_space_operations aops = {
-	.migratepage = fm,
+	.migrate_page = fm,
 };

@a_tab depends on patch && (a_ok1 || a_ok2)@
identifier a_ops.aops, a_name.mops;
@@
-struct address_space_operations
+struct movable_operations
-aops
+mops
 = {...};

@a_decl depends on patch && (a_ok1 || a_ok2)@
identifier a_ops.aops, a_name.mops;
@@
-struct address_space_operations
+struct movable_operations
-aops
+mops
 ;

@a_use depends on patch && (a_ok1 || a_ok2)@
identifier a_ops.aops, a_name.mops;
@@
-aops
+mops

// ---- context mode: show what changes
@depends on context@
identifier a_ops.aops;
@@
* struct address_space_operations aops = {...};

@depends on context@
expression P, M;
@@
* __SetPageMovable(P, M)

// finalize: report mode fails when something is left to finish by hand
@finalize:python@
@@
mc_finish()
