// SPDX-License-Identifier: GPL-2.0
/// Port a balloon driver of the 7.0 API (<linux/balloon.h>) onto movcompat's
/// balloon shim (<movcompat/balloon.h>), which offers that API on every
/// kernel with a balloon core: struct balloon_dev_info -> struct
/// movcompat_balloon, balloon_devinfo_init() -> movcompat_balloon_init(),
/// balloon_page_{alloc,enqueue,dequeue,list_enqueue,list_dequeue}() ->
/// movcompat_balloon_page_*(), IS_ENABLED(CONFIG_BALLOON_MIGRATION) ->
/// movcompat_balloon_pages_movable(). The fields a driver sets
/// (migratepage, adjust_managed_page_count) keep their names and their 7.0
/// meaning. A driver of an older balloon API is first brought to 7.0 by
/// balloon_compaction_to_balloon.cocci (to_movcompat.cocci runs both, after
/// aops_to_mops.cocci for the 4.8-5.19 pseudo filesystem).
/// Files that define the balloon API are left alone.
///
// Confidence: High
// Copyright: (C) 2026 movcompat contributors
// Options: --no-includes --include-headers
// Requires: 1.1.1
// Keywords: balloon, movcompat_balloon
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
MC_MACRO = re.compile(r"\b(balloon_devinfo_init|balloon_page_alloc|balloon_page_enqueue|balloon_page_dequeue|balloon_page_list_enqueue|balloon_page_list_dequeue)\b")
MC_TOKENS = re.compile(r"\b(balloon_|BALLOON)")

@script:python depends on report@
@@
mc_mode[0] = "report"

@script:python depends on org@
@@
mc_mode[0] = "org"

@script:python depends on context@
@@
mc_mode[0] = "context"

// ---- the balloon API's own implementation and headers are not drivers
@mb_api@
identifier f = {balloon_page_alloc, balloon_page_enqueue, balloon_page_dequeue,
		balloon_page_list_enqueue, balloon_page_list_dequeue,
		balloon_devinfo_init};
position p;
@@
f@p(...) {...}

@script:python@
p << mb_api.p;
@@
mc_api.add(p[0].file)

// ---- parse guard: a file spatch cannot fully parse is left unchanged
@mb_g@
identifier f = {balloon_devinfo_init, balloon_page_alloc, balloon_page_enqueue,
		balloon_page_dequeue, balloon_page_list_enqueue,
		balloon_page_list_dequeue};
position p;
@@
f@p(...)

@script:python mb_ok@
p << mb_g.p;
@@
if not mc_parse_ok(p):
	cocci.include_match(False)

// ---- the renames
@mb_hdr depends on patch && mb_ok@
@@
-#include <linux/balloon.h>
+#include <movcompat/balloon.h>

@mb_type depends on patch && mb_ok@
@@
-struct balloon_dev_info
+struct movcompat_balloon

@mb_fn depends on patch && mb_ok@
expression B, P, L, N;
@@
(
-balloon_devinfo_init(B)
+movcompat_balloon_init(B)
|
-balloon_page_alloc()
+movcompat_balloon_page_alloc()
|
-balloon_page_enqueue(B, P)
+movcompat_balloon_page_enqueue(B, P)
|
-balloon_page_dequeue(B)
+movcompat_balloon_page_dequeue(B)
|
-balloon_page_list_enqueue(B, L)
+movcompat_balloon_page_list_enqueue(B, L)
|
-balloon_page_list_dequeue(B, L, N)
+movcompat_balloon_page_list_dequeue(B, L, N)
)

@mb_cfg depends on patch && mb_ok@
@@
-IS_ENABLED(CONFIG_BALLOON_MIGRATION)
+movcompat_balloon_pages_movable()

// ---- context mode
@depends on context@
@@
(
* balloon_devinfo_init(...)
|
* balloon_page_enqueue(...)
|
* balloon_page_dequeue(...)
)

@finalize:python@
@@
mc_finish()
