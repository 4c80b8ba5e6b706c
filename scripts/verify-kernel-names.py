#!/usr/bin/env python3
"""Checks that every [Linux("file", "name")] in src/ names something that exists in that file
of a Linux 2.4.20 tree: the attribute is a claim about the kernel, so it should be checkable.

usage: scripts/verify-kernel-names.py GIT_DIR [COMMIT]
  GIT_DIR  a git repository holding the 2.4.20 tree (e.g. a clone of sndrzt/linux-2.4.20.lite)
  COMMIT   the pristine 2.4.20 commit (default 426c5ed)
exit 0: every name found; 1: some not found (listed as file:line); 2: could not run.
"""
import os, re, subprocess, sys

ATTR = re.compile(r'\[Linux\("([^"]+)",\s*"([^"]+)"\)\]')

def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr); return 2
    git_dir, commit = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "426c5ed")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    cache, missing, seen = {}, [], 0
    for base in ("src",):
        for dirpath, _, files in os.walk(os.path.join(root, base)):
            if "/obj" in dirpath or "/bin" in dirpath:
                continue
            for f in files:
                if not f.endswith(".cs"):
                    continue
                path = os.path.join(dirpath, f)
                for lineno, line in enumerate(open(path, encoding="utf-8"), 1):
                    for kfile, name in ATTR.findall(line):
                        seen += 1
                        if kfile not in cache:
                            r = subprocess.run(["git", "-C", git_dir, "show", f"{commit}:{kfile}"],
                                               capture_output=True, text=True, errors="replace")
                            cache[kfile] = r.stdout if r.returncode == 0 else None
                        text = cache[kfile]
                        # "struct page" -> page; "zone_t.pages_min" -> pages_min and zone_t
                        words = re.split(r"[ .]", name.replace("struct ", "").replace("union ", ""))
                        rel = os.path.relpath(path, root)
                        if text is None:
                            missing.append(f"{rel}:{lineno}: {kfile} does not exist in {commit}")
                        elif not all(re.search(r"\b" + re.escape(w) + r"\b", text) for w in words):
                            missing.append(f"{rel}:{lineno}: {name} not found in {kfile}")
    for m in missing:
        print(m)
    print(f"{seen} attributes checked, {len(missing)} not found", file=sys.stderr)
    return 1 if missing else 0

sys.exit(main())
