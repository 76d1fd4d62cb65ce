#!/usr/bin/env python3
"""Fails when a module reaches up: the modules depend downwards only.

    base <- feeds <- language <- topics <- storage <- daemon

A module's sources may include the headers of their own module and of those below it; its
CMake target may link those only; its test executable (tests/CMakeLists.txt,
newswatch_test(NAME MODULE FILES...)) may include and link them only, the test headers it
includes (tests/*.h, fuzz/*.h) too. bench/, fuzz/ and the integration tests sit above every module.

usage: check_layering.py PROJECT_ROOT   (prints FILE:LINE: why, one line per break)
"""
import re
import sys
from pathlib import Path

LAYERS = ["base", "feeds", "language", "topics", "storage", "daemon"]
TARGETS = {"base": "base", "feeds": "feeds", "language": "language", "topics": "topics",
           "storage": "storage", "daemon_core": "daemon"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def level(module):
    return LAYERS.index(module)


def module_of_include(path):
    head = path.split("/", 1)[0]
    return head if "/" in path and head in LAYERS else None


def include_breaks(source, module, root, seen=None):
    """Includes in `source` (and in the test headers it includes) above `module`."""
    seen = set() if seen is None else seen
    if source in seen:
        return []
    seen.add(source)
    breaks = []
    for number, line in enumerate(source.read_text(errors="replace").splitlines(), 1):
        match = INCLUDE.match(line)
        if not match:
            continue
        included = match.group(1)
        target = module_of_include(included)
        where = f"{source.relative_to(root)}:{number}"
        if target and level(target) > level(module):
            breaks.append(f"{where}: {module} includes {included}, from {target} above it")
        if target is None and not source.is_relative_to(root / module):
            # A test's own header, or fuzz/'s checks: what they include counts too.
            for local in (root / "tests" / included, root / included):
                if local.is_file():
                    breaks += include_breaks(local, module, root, seen)
                    break
    return breaks


def cmake_calls(text, command):
    """(line, [arguments]) of each call of `command` in a CMakeLists text."""
    for match in re.finditer(rf"\b{command}\s*\(([^)]*)\)", text):
        line = text.count("\n", 0, match.start()) + 1
        body = re.sub(r"#[^\n]*", "", match.group(1))
        yield line, body.split()


def link_breaks(root):
    breaks = []
    for module in LAYERS:
        cmake = root / module / "CMakeLists.txt"
        if not cmake.is_file():
            continue
        for line, args in cmake_calls(cmake.read_text(), "target_link_libraries"):
            if not args or TARGETS.get(args[0]) != module:
                continue
            for linked in args[1:]:
                target = TARGETS.get(linked)
                if target and level(target) > level(module):
                    breaks.append(f"{cmake.relative_to(root)}:{line}: {module} links {linked}")
    return breaks


def test_breaks(root):
    breaks = []
    cmake = root / "tests" / "CMakeLists.txt"
    for line, args in cmake_calls(cmake.read_text(), "newswatch_test"):
        if len(args) < 3 or args[1] not in TARGETS:
            breaks.append(f"{cmake.relative_to(root)}:{line}: newswatch_test names no module")
            continue
        module = TARGETS[args[1]]
        for name in args[2:]:
            breaks += include_breaks(root / "tests" / name, module, root)
    return breaks


def main():
    root = Path(sys.argv[1]).resolve()
    breaks = []
    sources = 0
    for module in LAYERS:
        for source in sorted((root / module).rglob("*")):
            if source.suffix in (".h", ".cpp", ".inc", ".in"):
                sources += 1
                breaks += include_breaks(source, module, root)
    breaks += link_breaks(root) + test_breaks(root)
    breaks = list(dict.fromkeys(breaks))  # a test header is reached from several tests
    for line in breaks:
        print(line)
    if sources == 0:
        print(f"{root}: no module sources found")
        return 1
    print(f"{sources} module sources checked, {len(breaks)} upward dependencies")
    return 1 if breaks else 0


if __name__ == "__main__":
    sys.exit(main())
