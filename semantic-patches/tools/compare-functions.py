#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare a semantic patch's conversion of a file with the upstream result.

usage: compare-functions.py OLD CONVERTED UPSTREAM [LABEL [MANUAL-LINES]]

OLD is the file before the conversion (e.g. 5.10), CONVERTED the semantic
patch's output, UPSTREAM the same file in the release that made the change
by hand (e.g. 6.1). For every hunk of the OLD -> CONVERTED diff, the
enclosing top-level item (function, table, declaration) is looked up by name
in UPSTREAM (through the *_aops -> *_mops rename); the hunk "matches" when
every line it adds is in that upstream item and every line it removes is
not. Prints one table row per hunk and a summary line
"SUMMARY label hunks=N matching=M differing=D added=A/A' removed=R/R'
upstream-only=U unreported=X". MANUAL-LINES (comma-separated line numbers
of OLD that the patch reported for a human) mark a differing hunk
"reported" when one lies in the hunk's item (or, at top level, within
three lines of the hunk); unreported counts the differing hunks with none.
"""
import difflib
import re
import sys

DEF = re.compile(r"^[A-Za-z_].*?\b([A-Za-z_]\w*)\s*(\(|=\s*\{|\[)")
EXP = re.compile(r"^EXPORT_SYMBOL\w*\((\w+)\);")


def items(lines):
	"""Top-level items: name -> (first, last) line index (0-based)."""
	out = {}
	i = 0
	while i < len(lines):
		e = EXP.match(lines[i])
		if e:
			out.setdefault("EXPORT(%s)" % e.group(1), (i, i))
			i += 1
			continue
		m = DEF.match(lines[i])
		if m and not lines[i].rstrip().endswith(";"):
			name = m.group(1)
			j = i
			while j < len(lines) and not lines[j].startswith("}"):
				j += 1
			out.setdefault(name, (i, j))
			i = j + 1
			continue
		i += 1
	return out


def owner(its, idx):
	for name, (a, b) in its.items():
		if a <= idx <= b:
			return name
	return None


def norm(s):
	return " ".join(s.split())


def main():
	old = open(sys.argv[1], errors="replace").read().split("\n")
	new = open(sys.argv[2], errors="replace").read().split("\n")
	up = open(sys.argv[3], errors="replace").read().split("\n")
	label = sys.argv[4] if len(sys.argv) > 4 else sys.argv[1]
	manual = [int(x) for x in sys.argv[5].split(",") if x] if len(sys.argv) > 5 else []
	old_its, new_its, up_its = items(old), items(new), items(up)
	sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
	rows = []
	for tag, a1, a2, b1, b2 in sm.get_opcodes():
		if tag == "equal":
			continue
		name = owner(new_its, b1) if b2 > b1 else None
		name = name or owner(old_its, a1) or "(top level)"
		up_name = name if name in up_its else re.sub(r"aops$", "mops", name)
		if up_name not in up_its:
			up_name = re.sub(r"aops\)$", "mops)", name)
		if up_name in up_its:
			a, b = up_its[up_name]
			text = norm(" ".join(up[a:b + 1]))
		elif name == "(top level)":
			# includes, macros, declarations outside any item: anywhere
			text = norm(" ".join(up))
		else:
			text = ""
		removed = [x for x in old[a1:a2] if norm(x)]
		added = [x for x in new[b1:b2] if norm(x)]
		# lines re-wrapped differently still match: compare the hunk with
		# its neighbouring lines, whitespace-normalised, inside the item
		ctx = norm(" ".join(new[max(b1 - 1, 0):b2 + 1]))
		rem_ok = [x for x in removed if norm(x) not in text or norm(x) in ctx]
		add_ok = [x for x in added if norm(x) in text or ctx in text]
		# added top-level declarations (forward declarations): anywhere
		if added and not removed and all(re.match(r"[A-Za-z_].*;\s*$", x) for x in added):
			name = "(declaration)"
			text = norm(" ".join(up))
			ctx = norm(" ".join(added))
			add_ok = [x for x in added if norm(x) in text]
		if not text:
			status, why = "differing", "upstream has no '%s' (removed it entirely)" % name
		elif len(rem_ok) == len(removed) and len(add_ok) == len(added):
			status, why = "matching", ""
		else:
			status = "differing"
			bad = [x for x in added if norm(x) not in text and ctx not in text]
			kept = [x for x in removed if norm(x) in text and norm(x) not in ctx]
			why = ("upstream differs from '%s'" % norm(bad[0]) if bad
			       else "upstream keeps '%s'" % norm(kept[0]))
		if status == "differing":
			span = old_its.get(name)
			lo, hi = span if span else (a1 - 3, max(a2, a1 + 1) + 2)
			if any(lo <= m - 1 <= hi for m in manual):
				status = "reported"
		rows.append((name, a1 + 1, len(removed), len(added), status, why,
			     len(rem_ok), len(add_ok)))
	print("| %-28s | %6s | %3s | %3s | %-9s | %s" % ("function/item", "line", "-", "+", "hunk", "note"))
	print("|%s|%s|%s|%s|%s|%s" % ("-" * 30, "-" * 8, "-" * 5, "-" * 5, "-" * 11, "-" * 40))
	for r in rows:
		print("| %-28s | %6d | %3d | %3d | %-9s | %s" % (r[0][:28], r[1], r[2], r[3], r[4], r[5][:90]))
	# the other direction: conversion-related lines upstream changed in
	# the items that use the API, which the semantic patch did not produce
	api = re.compile(r"\bmapping\b|aops|mops|[Mm]ovable|migratepage|migrate_page|inode|_mnt|pseudo|private_data")
	missed = []
	for name, (a, b) in old_its.items():
		if not api.search(" ".join(old[a:b + 1])):
			continue
		cname = name if name in new_its else re.sub(r"aops$", "mops", name)
		uname = cname if cname in up_its else None
		conv = norm(" ".join(new[new_its[cname][0]:new_its[cname][1] + 1])) if cname in new_its else ""
		if uname is None:
			if conv:
				missed.append((name, "upstream removed the item; the semantic patch keeps it (reported for a human)"))
			continue
		ua, ub = up_its[uname]
		utext = norm(" ".join(up[ua:ub + 1]))
		for line in old[a:b + 1]:
			if api.search(line) and norm(line) and norm(line) not in utext and norm(line) in conv:
				missed.append((name, "upstream removed: '%s'" % norm(line)))
		for line in up[ua:ub + 1]:
			if api.search(line) and norm(line) and norm(line) not in conv and norm(line) not in norm(" ".join(old[a:b + 1])):
				missed.append((name, "upstream: '%s'" % norm(line)))
	if missed:
		print()
		print("Upstream conversion lines the semantic patch did not produce (items using the API):")
		for name, why in missed:
			print("| %-28s | %s" % (name[:28], why[:110]))
	nm = sum(1 for r in rows if r[4] == "matching")
	nu = sum(1 for r in rows if r[4] == "differing")
	print("SUMMARY %s hunks=%d matching=%d differing=%d added=%d/%d removed=%d/%d" % (
		label, len(rows), nm, len(rows) - nm,
		sum(r[7] for r in rows), sum(r[3] for r in rows),
		sum(r[6] for r in rows), sum(r[2] for r in rows)) +
		" upstream-only=%d unreported=%d" % (len(missed), nu))


main()
