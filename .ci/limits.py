#!/usr/bin/env python3
"""Checks the size limits of the code base: no source file over 700 lines, no function
over 120 lines. Test modules (`#[cfg(test)] mod tests { ... }`, not counted in a file's
lines) and files under tests/ are left out. Prints each breach and exits 1 when there is one.

Usage: python3 .ci/limits.py [--list N]   (--list: also print the N longest functions)
"""

import pathlib
import re
import sys

MAX_FILE_LINES = 700
MAX_FN_LINES = 120
ROOTS = ["src", "benches", "examples"]

FN_START = re.compile(r"^\s*(pub(\([a-z:]+\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def strip_strings(line: str) -> str:
    """Removes string and char literals and line comments, so braces in them do not count."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//", 1)[0]


def code_lines(path: pathlib.Path) -> list[str]:
    """The file's lines with test modules blanked out."""
    lines = path.read_text(encoding="utf-8").split("\n")
    out = list(lines)
    i = 0
    while i < len(lines):
        if lines[i].strip() == "#[cfg(test)]" and i + 1 < len(lines) and re.match(
            r"^\s*mod\s+\w+\s*\{", lines[i + 1]
        ):
            depth = 0
            j = i + 1
            while j < len(lines):
                depth += strip_strings(lines[j]).count("{") - strip_strings(lines[j]).count("}")
                out[j] = ""
                if depth == 0:
                    break
                j += 1
            out[i] = ""
            i = j + 1
            continue
        i += 1
    return out


def functions(lines: list[str]):
    """(name, first line, length) of every function with a body."""
    for i, line in enumerate(lines):
        m = FN_START.match(line)
        if not m:
            continue
        depth = 0
        opened = False
        for j in range(i, len(lines)):
            text = strip_strings(lines[j])
            if not opened and ";" in text and "{" not in text:
                break  # a declaration without a body (trait item)
            depth += text.count("{") - text.count("}")
            opened = opened or "{" in text
            if opened and depth <= 0:
                yield m.group(6), i + 1, j - i + 1
                break


def main() -> int:
    listing = 0
    if "--list" in sys.argv:
        listing = int(sys.argv[sys.argv.index("--list") + 1])
    breaches = []
    all_fns = []
    for root in ROOTS:
        for path in sorted(pathlib.Path(root).rglob("*.rs")):
            lines = code_lines(path)
            raw = path.read_text(encoding="utf-8").split("\n")
            test_lines = sum(1 for a, b in zip(raw, lines) if a.strip() and not b.strip())
            count = len(raw) - 1 - test_lines
            if count > MAX_FILE_LINES:
                breaches.append(f"{path}: {count} lines (limit {MAX_FILE_LINES})")
            for name, start, length in functions(lines):
                all_fns.append((length, f"{path}:{start} {name}"))
                if length > MAX_FN_LINES:
                    breaches.append(
                        f"{path}:{start}: fn {name} is {length} lines (limit {MAX_FN_LINES})"
                    )
    for length, where in sorted(all_fns, reverse=True)[:listing]:
        print(f"{length:5} {where}")
    for breach in breaches:
        print(breach)
    if breaches:
        return 1
    print(f"limits: every file ≤ {MAX_FILE_LINES} lines, every function ≤ {MAX_FN_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
