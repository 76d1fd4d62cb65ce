#!/usr/bin/env python3
"""Production sources that have grown past what one reading holds.

A file over 500 lines or a function over 60 fails, unless a comment names the exception:
`// whole: <why>` within the three lines above a function, or at the top of a file (its
first ten lines) for the file. Functions are found the way clang-format lays them out
(.clang-format): a definition starts at a line that opens a brace at the end of a signature
and ends at the line that closes it at the same indentation.

usage: check_sizes.py PROJECT_ROOT [--report]   (--report lists everything, passing or not)
"""
import re
import sys
from pathlib import Path

MODULES = ["base", "feeds", "language", "topics", "storage", "daemon"]
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 60
EXCEPTION = re.compile(r"//\s*whole:")
# A line that ends a function signature: a name and a parameter list, then "{" (also
# constructors with initializer lists, ending in "{" after ")" or a member initializer).
SIGNATURE_END = re.compile(r"^(\s*)(?!if\b|for\b|while\b|switch\b|catch\b|else\b|do\b|"
                           r"namespace\b|struct\b|class\b|enum\b|union\b|return\b).*[)}\w>]\s*"
                           r"(const\s*)?(noexcept\s*)?(override\s*)?(->\s*[\w:<>,\s*&]+)?\{$")


def functions(lines):
    """(first line, last line, name line) of each function definition, 1-based."""
    found = []
    i = 0
    while i < len(lines):
        match = SIGNATURE_END.match(lines[i])
        if not match or "=" in lines[i].split("(")[0] or lines[i].rstrip().endswith("= {"):
            i += 1
            continue
        # The signature may span lines above: go back to where it starts.
        start = i
        # (A comment among a constructor's initializers is passed over; one above the
        # signature ends it, being preceded by a line that ends a statement or a block.)
        while start > 0 and lines[start - 1].strip() and not lines[start - 1].rstrip().endswith(
                (";", "{", "}", ":")) and not lines[start - 1].lstrip().startswith("#"):
            start -= 1
        while lines[start].lstrip().startswith("//"):
            start += 1
        if "(" not in "".join(lines[start:i + 1]):
            i += 1
            continue
        indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
        end = i + 1
        while end < len(lines) and not (lines[end].startswith(indent + "}") and
                                        not lines[end].startswith(indent + " ")):
            end += 1
        found.append((start + 1, end + 1, lines[start].strip()))
        i = end + 1
    return found


def main():
    root = Path(sys.argv[1]).resolve()
    report = "--report" in sys.argv
    problems = []
    for module in MODULES:
        for source in sorted((root / module).rglob("*")):
            if source.suffix not in (".cpp", ".h") or "generated" in source.parts:
                continue
            lines = source.read_text(errors="replace").splitlines()
            name = source.relative_to(root)
            file_whole = any(EXCEPTION.search(line) for line in lines[:10])
            if len(lines) > MAX_FILE_LINES and not file_whole:
                problems.append(f"{name}: {len(lines)} lines (at most {MAX_FILE_LINES})")
            elif report:
                print(f"{name}: {len(lines)} lines")
            for first, last, signature in functions(lines):
                length = last - first + 1
                above = lines[max(0, first - 4):first - 1]
                if length > MAX_FUNCTION_LINES and not any(EXCEPTION.search(l) for l in above):
                    problems.append(f"{name}:{first}: a function of {length} lines (at most "
                                    f"{MAX_FUNCTION_LINES}): {signature[:70]}")
    for line in problems:
        print(line)
    print(f"{len(problems)} over the limits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
