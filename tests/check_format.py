#!/usr/bin/env python3
"""Every C++ source the project keeps is laid out as .clang-format says.

Lists the files clang-format would change, with the first line it would change in each, so
a failure says where to look; `clang-format -i FILE` mends them. The files are the ones git
tracks (a build directory or a local scratch file is not the project's).

usage: check_format.py PROJECT_ROOT [CLANG_FORMAT]   (exit 77, a skip, outside a git checkout)
"""
import subprocess
import sys
from pathlib import Path

SUFFIXES = (".cpp", ".h", ".hpp", ".cc")


def tracked_sources(root):
    """The C++ files git tracks under `root`; None when it is no git checkout."""
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True)
    if listed.returncode != 0:
        return None
    return [root / name for name in listed.stdout.decode().split("\0") if name.endswith(SUFFIXES)]


def first_change(clang_format, path):
    """The first line clang-format would change in `path`, or None when it changes none."""
    formatted = subprocess.run([clang_format, "--style=file", str(path)], capture_output=True,
                               check=True).stdout.decode()
    original = path.read_text()
    if formatted == original:
        return None
    for number, (old, new) in enumerate(zip(original.splitlines(), formatted.splitlines()), 1):
        if old != new:
            return number
    return min(len(original.splitlines()), len(formatted.splitlines())) + 1


def main():
    root = Path(sys.argv[1]).resolve()
    clang_format = sys.argv[2] if len(sys.argv) > 2 else "clang-format"
    sources = tracked_sources(root)
    if sources is None:
        print(f"{root} is no git checkout: which files are the project's is unknown; skipped")
        return 77  # ctest's SKIP_RETURN_CODE
    unformatted = []
    for path in sources:
        line = first_change(clang_format, path)
        if line is not None:
            unformatted.append(f"{path.relative_to(root)}:{line}: not as .clang-format lays it out")
    for message in unformatted:
        print(message)
    print(f"{len(sources)} files checked, {len(unformatted)} to format "
          f"(clang-format -i FILE mends them)")
    return 1 if unformatted else 0


if __name__ == "__main__":
    sys.exit(main())
