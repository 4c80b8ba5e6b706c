#!/usr/bin/env python3
"""Writes the table of where each kernel identifier the port carries is defined in Linux 2.4.20:
one line per [Linux("file", "name")] of src/ that can be found, "file<TAB>name<TAB>line". DocGen
reads it to link every ported function (and struct, macro, variable) to the original C on GitHub
at the pinned commit; it holds names and line numbers only, no kernel text.

usage: scripts/kernel-lines.py GIT_DIR [COMMIT] > tools/DocGen/kernel-lines.tsv
  GIT_DIR  a git repository holding the 2.4.20 tree (e.g. a clone of sndrzt/linux-2.4.20.lite)
  COMMIT   the pristine 2.4.20 commit (default 426c5ed)
Names it cannot place are listed on stderr (exit 0 all the same: a missing line only means no
link). A function of a .c file that is missing makes DocGen's test fail, so fix the rule here.
"""
import os, re, subprocess, sys

ATTR = re.compile(r'\[Linux\("([^"]+)",\s*"([^"]+)"\)\]')


def strip_comments(text):
    """The text with comments blanked (newlines kept, so line numbers stay right)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def line_of(lines, pattern, start=0, end=None):
    rx = re.compile(pattern)
    for k in range(start, len(lines) if end is None else end):
        if rx.search(lines[k]):
            return k
    return None


def block_end(lines, start):
    """The line that closes the brace block opened on or after `start`."""
    depth, seen = 0, False
    for k in range(start, len(lines)):
        for ch in lines[k]:
            if ch == "{":
                depth += 1
                seen = True
            elif ch == "}":
                depth -= 1
                if seen and depth == 0:
                    return k
    return len(lines) - 1


def find_struct(lines, tag):
    """The line of `struct tag {`, or of the typedef'd struct whose name is `tag`."""
    w = re.escape(tag)
    k = line_of(lines, r"^\s*(typedef\s+)?(struct|union)\s+" + w + r"\s*\{")
    if k is None:
        k = line_of(lines, r"^\s*(typedef\s+)?(struct|union)\s+" + w + r"\s*$")
        if k is not None and not lines[k + 1].lstrip().startswith("{"):
            k = None
    if k is not None:
        return k
    # typedef struct x { ... } tag;  -> the line that opens it (the name may sit on the line after the brace)
    end = line_of(lines, r"\}\s*" + w + r"\s*(,|;)")
    if end is None:
        k = line_of(lines, r"^\s*" + w + r"\s*;")
        while k is not None and lines[k - 1].strip() != "}":
            k = line_of(lines, r"^\s*" + w + r"\s*;", k + 1)
        end = None if k is None else k - 1
    if end is not None:
        depth = 0
        for k in range(end, -1, -1):
            depth += lines[k].count("}") - lines[k].count("{")
            if depth == 0:
                return k
    # typedef struct x tag;  -> struct x
    m = None
    for l in lines:
        m = re.match(r"^\s*typedef\s+(struct|union)\s+(\w+)\s+" + w + r"\s*;", l)
        if m:
            return find_struct(lines, m.group(2))
    # x_t made by a typedef in another file: struct x_s or struct x here
    if tag.endswith("_t"):
        for other in (tag[:-2] + "_s", tag[:-2]):
            k = line_of(lines, r"^\s*(typedef\s+)?(struct|union)\s+" + re.escape(other) + r"\s*\{?\s*$")
            if k is not None:
                return k
    return None


def opens_body(lines, k):
    for l in lines[k:k + 30]:
        for ch in l:
            if ch == "{":
                return True
            if ch == ";":
                return False
    return False


def find(lines, name):
    name = re.sub(r"^(struct|union|enum) ", "", name)
    if "." in name:
        parts = name.split(".")
        k = find_struct(lines, parts[0])
        for field in parts[1:]:
            if k is None:
                return None
            end = block_end(lines, k)
            f = line_of(lines, r"[\s\*,]" + re.escape(field) + r"\s*(\[[^\]]*\])?\s*(:\s*\d+\s*)?[;,]", k + 1, end + 1)
            if f is None:
                f = line_of(lines, r"\(\s*\*\s*" + re.escape(field) + r"\s*\)\s*\(", k + 1, end + 1)  # function pointer
            k = f
        return k
    w = re.escape(name)
    rules = [
        r"^\s*#\s*define\s+" + w + r"\b",                                  # macro or constant
        r"^[A-Za-z_][\w\s\*]*[\s\*]" + w + r"\s*\([^;]*$",                # function definition (return type first)
        r"^" + w + r"\s*\([^;]*$",                                         # function name at the start of its line
    ]
    for i, r in enumerate(rules):
        k = line_of(lines, r)
        # a function's definition opens its body before any ';' (else it is a prototype)
        while k is not None and i > 0 and not opens_body(lines, k):
            k = line_of(lines, r, k + 1)
        if k is not None:
            return k
    k = find_struct(lines, name)
    if k is not None:
        return k
    for r in [
        r"^[A-Za-z_][\w\s\*]*[\s\*]" + w + r"\s*(\[[^\]]*\])*\s*(=|;|,|__)", # variable at file scope
        r"^[A-Za-z_][\w\s\*]*,[\s\*]*" + w + r"\s*(\[[^\]]*\])*\s*(=|;|,)",   # a later variable of one declaration
        r"^(static\s+)?[A-Z_]+\s*\(\s*" + w + r"\s*[,)]",                  # a variable a macro declares: LIST_HEAD(x)
        # enum members; a ';' at the end is an assignment in a function, not a member
        r"^\s*" + w + r"\s*(=[^=;]*)?,?\s*(/\*.*)?$",
        r"\benum\s*\{[^}]*\b" + w + r"\b",                                 # enum member on one line
        r"^\s*(extern\s+)?[A-Za-z_][\w\s\*]*[\s\*]" + w + r"\s*\(",       # prototype (last resort)
    ]:
        k = line_of(lines, r)
        if k is not None:
            return k
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    git_dir, commit = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "426c5ed")
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    names = set()
    for dirpath, _, files in os.walk(os.path.join(root, "src")):
        if "/obj" in dirpath or "/bin" in dirpath:
            continue
        for f in files:
            if f.endswith(".cs"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    names.update(ATTR.findall(fh.read()))
    cache, rows, missing = {}, [], []
    for kfile, name in sorted(names):
        if kfile not in cache:
            r = subprocess.run(["git", "-C", git_dir, "show", f"{commit}:{kfile}"], capture_output=True, text=True, errors="replace")
            cache[kfile] = strip_comments(r.stdout).split("\n") if r.returncode == 0 else None
        lines = cache[kfile]
        k = find(lines, name) if lines is not None else None
        if k is None:
            missing.append(f"{kfile}\t{name}")
        else:
            rows.append(f"{kfile}\t{name}\t{k + 1}")
    print(f"# Where each kernel identifier of the port is defined in Linux 2.4.20 ({commit}): kernel file, name, line.")
    print("# Made by scripts/kernel-lines.py from the kernel tree; names and line numbers only.")
    for r in rows:
        print(r)
    for m in missing:
        print("not placed: " + m, file=sys.stderr)
    print(f"{len(rows)} placed, {len(missing)} not placed", file=sys.stderr)
    return 0


sys.exit(main())
