#!/usr/bin/env python3
"""The man pages say what the README says, and the README says what the program does.

    man_pages_test.py --readme README.md --config-source daemon/config.cpp \
        --binary build/newswatch newswatch.1 newswatch.toml.5

Checks, each failure named:
  * every command of `newswatch --help` has a row in the README's command table, and every
    option of `newswatch COMMAND --help` is in the command's rows;
  * every key the configuration reader accepts (`key == "..."` in config.cpp: top-level
    keys, [[feed]], [[alert]] and [metrics] keys) is in the README's configuration table;
  * every command row of the README is in newswatch(1), and every key of the configuration
    table (its first column, and the keys named in its cells) is in newswatch.toml(5);
  * `man --warnings` renders both pages (as lintian does: -E UTF-8 -Tutf8, 80 columns)
    without a word on stderr. Without man-db this last check is skipped (exit 77) once the
    others pass.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import gen_manpages  # noqa: E402  (the README reader the pages are made with)

failures = []


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


def plain(roff):
    """The text of a roff page, fonts and escapes removed, whitespace collapsed."""
    text = re.sub(r"\\\[u([0-9A-F]{4,5})\]", lambda m: chr(int(m.group(1), 16)), roff)
    text = re.sub(r"\\f[BIRP]", "", text)
    for escape, char in (("\\-", "-"), ("\\&", ""), ("\\(bu", "*"), ("\\(en", "-"),
                         ("\\(dq", '"'), ("\\e", "\\")):
        text = text.replace(escape, char)
    return " ".join(text.split())


def code_spans(text):
    return re.findall(r"`([^`]+)`", text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--readme", type=Path, required=True)
    ap.add_argument("--config-source", type=Path, required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("man_1", type=Path)
    ap.add_argument("man_5", type=Path)
    args = ap.parse_args()

    secs = gen_manpages.sections(args.readme.read_text(encoding="utf-8"))
    command_rows = gen_manpages.first_table(gen_manpages.section(secs, "Commands"))[1:]
    key_rows = gen_manpages.first_table(gen_manpages.section(secs, "Configuration"))[1:]
    man_1 = plain(args.man_1.read_text(encoding="utf-8"))
    man_5 = plain(args.man_5.read_text(encoding="utf-8"))

    # The binary's commands and options, in the README.
    usage = subprocess.run([args.binary, "--help"], capture_output=True, text=True,
                           check=True).stdout
    block = usage.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    commands = [line.split()[0] for line in block.splitlines() if line.strip()]
    if not commands:
        fail(f"no commands in '{args.binary} --help'")
    synopses = [" ".join(code_spans(row[0])) for row in command_rows]
    for command in commands:
        rows = [s for s in synopses if re.match(rf"newswatch {re.escape(command)}(\s|$)", s)]
        if not rows:
            fail(f"README.md: the command table has no row for 'newswatch {command}'")
            continue
        help_text = subprocess.run([args.binary, command, "--help"], capture_output=True,
                                   text=True, check=True).stdout
        for option in sorted(set(re.findall(r"^ +(--[a-z][a-z-]*)", help_text, re.M))):
            if not any(re.search(rf"{option}(?![a-z-])", s) for s in rows):
                fail(f"README.md: no row for 'newswatch {command}' names {option} "
                     f"(in '{command} --help')")
    print(f"{len(commands)} commands of --help, with their options, in README.md")

    # The configuration reader's keys, in the README.
    source = args.config_source.read_text(encoding="utf-8")
    keys = sorted(set(re.findall(r'\bkey [!=]= "([a-z_]+)"', source)))
    if len(keys) < 20:
        fail(f"{args.config_source}: found only {len(keys)} keys ({keys}): has the reader changed?")
    # A key is named as `key`, `[[key]]` or in an assignment, `key = "value"`.
    table_spans = {span.split("=")[0].strip().strip("[]") for row in key_rows for cell in row
                   for span in code_spans(cell)}
    for key in keys:
        if key not in table_spans:
            fail(f"README.md: the configuration table does not name `{key}` "
                 f"(a key {args.config_source.name} reads)")
    print(f"{len(keys)} keys of {args.config_source.name} in README.md")

    # The README's commands and keys, in the pages.
    for row, synopsis in zip(command_rows, synopses):
        if " ".join(synopsis.split()) not in man_1:
            fail(f"{args.man_1.name}: no '{synopsis}'")
    named = {span for row in key_rows for cell in row for span in code_spans(cell)}
    for key in sorted(named | {span for row in key_rows for span in code_spans(row[0])}):
        if " ".join(key.split()) not in man_5:
            fail(f"{args.man_5.name}: no '{key}'")
    print(f"{len(command_rows)} command rows of README.md in {args.man_1.name}, "
          f"{len(key_rows)} keys (and the {len(named)} names in their rows) in {args.man_5.name}")

    if failures:
        sys.exit(f"{len(failures)} failure(s)")

    if shutil.which("man") is None:
        print("SKIP: man (man-db) is not installed; the pages were not rendered")
        sys.exit(77)
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    for page in (args.man_1, args.man_5):
        r = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", str(page)],
                           capture_output=True, text=True, env=env)
        if r.returncode != 0 or r.stderr.strip():
            fail(f"man --warnings {page.name} (exit {r.returncode}):\n{r.stderr.rstrip()}")
    if failures:
        sys.exit(f"{len(failures)} failure(s)")
    print("man --warnings: nothing to say on either page")


if __name__ == "__main__":
    main()
