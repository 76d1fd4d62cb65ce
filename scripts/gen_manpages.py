#!/usr/bin/env python3
"""Writes the man pages newswatch(1) and newswatch.toml(5) from README.md.

The README is the one source: the command table, the configuration table and the sections
around them become the pages, converted from the Markdown the README uses (paragraphs,
tables, lists, code blocks, `code` and **bold**) to man(7) roff. A command or a key added to
the README is in the man pages at the next build, and tests/man_pages_test.py checks that
the README names every command of the binary and every key its configuration reader knows.

    scripts/gen_manpages.py README.md OUTDIR [--version VERSION]

CMake runs it at build time (man/CMakeLists.txt). The date of the pages is
SOURCE_DATE_EPOCH's (dpkg-buildpackage sets it from debian/changelog), else none, so that a
build is reproducible.
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

# --------------------------------------------------------------------------- the README


def sections(text):
    """{heading: [lines]} for every ## and ### heading; a ## section holds its ### ones."""
    lines = text.splitlines()
    out = {}
    for i, line in enumerate(lines):
        m = re.match(r"^(#{2,3}) (.*)$", line)
        if not m:
            continue
        level = len(m.group(1))
        body = []
        for following in lines[i + 1:]:
            n = re.match(r"^(#{2,3}) ", following)
            if n and len(n.group(1)) <= level:
                break
            body.append(following)
        out[m.group(2).strip()] = body
    return out


def section(secs, heading):
    for name, body in secs.items():
        if name == heading or name.startswith(heading):
            return body
    sys.exit(f"gen_manpages: README.md has no section '{heading}'")


def table_rows(lines):
    """The cells of a Markdown table, header first, separator row dropped; `\\|` is a |."""
    rows = []
    for line in lines:
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        cells = [c.strip().replace("\\|", "|") for c in cells]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        rows.append(cells)
    return rows


def first_table(lines):
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return table_rows(lines[start:end])


def paragraph_starting(text, prefix):
    for block in text.split("\n\n"):
        if block.startswith(prefix):
            return block.splitlines()
    sys.exit(f"gen_manpages: README.md has no paragraph starting '{prefix}'")


# --------------------------------------------------------------------------- roff


def escape(text, code=False):
    """Plain text as roff: backslashes, non-ASCII characters, and (in code) hyphens, which
    roff would otherwise print as hyphens rather than the minus signs a command needs."""
    text = text.replace("\\", "\\e")
    if code:
        text = text.replace("-", "\\-")
    return "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)


def inline(text):
    """Markdown inline markup as roff fonts: `code` and **bold** bold, links their text."""
    out, pos = [], 0
    for m in re.finditer(r"`([^`]+)`|\*\*(.+?)\*\*|\[([^\]]+)\]\([^)]+\)", text, re.S):
        out.append(escape(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + escape(m.group(1), code=True) + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + inline(m.group(2)) + "\\fR")
        else:
            out.append(inline(m.group(3)))
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def text_lines(lines):
    """Lines of filled text: leading blanks (a break in roff) removed, and a line that would
    start with a control character protected."""
    out = []
    for line in inline("\n".join(line.strip() for line in lines)).splitlines():
        out.append("\\&" + line if line.startswith((".", "'")) else line)
    return out


def code_block(lines):
    body = []
    for line in lines:
        line = escape(line, code=True)
        body.append("\\&" + line if line.startswith((".", "'")) else line)
    return [".PP", ".RS 4", ".nf", *body, ".fi", ".RE"]


def table(lines):
    """A table as tagged paragraphs: the first column is the tag; the middle columns follow
    as "header: value" lines, the last as the paragraph."""
    header, *rows = table_rows(lines)
    out = []
    for row in rows:
        out += [".TP", *text_lines([row[0]])]
        for name, cell in zip(header[1:-1], row[1:-1]):
            if cell:
                out += [*text_lines([f"{name}: {cell}"]), ".br"]
        if len(row) > 1 and row[-1]:
            out += text_lines([row[-1]])
    return out


def blocks(lines):
    """Markdown blocks as roff: ### headings, tables, `- ` lists, indented and fenced code,
    paragraphs."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif line.startswith("### "):
            out += [".SS " + '"' + inline(line[4:].strip()).replace('"', '\\(dq') + '"']
            i += 1
        elif line.startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out += table(lines[i:j])
            out += [".PP"] if j < len(lines) else []
            i = j
        elif line.startswith("```"):
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            out += code_block(lines[i + 1:j])
            i = j + 1
        elif line.startswith("    "):
            j = i
            while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
                j += 1
            while not lines[j - 1].strip():
                j -= 1
            out += code_block([l[4:] for l in lines[i:j]])
            i = j
        elif line.startswith("- "):
            j = i + 1
            # The item goes on while lines are indented, across blank lines.
            while j < len(lines) and (lines[j].startswith("  ") or (
                    not lines[j].strip() and j + 1 < len(lines)
                    and lines[j + 1].startswith("  "))):
                j += 1
            item = [line[2:]] + [l[2:] for l in lines[i + 1:j]]
            out += list_item(item)
            i = j
            if i < len(lines) and not lines[i].strip() and not (
                    i + 1 < len(lines) and lines[i + 1].startswith("- ")):
                out += [".PP"]
        else:
            j = i
            while j < len(lines) and lines[j].strip() and not lines[j].startswith(
                    ("|", "```", "- ", "### ", "    ")):
                j += 1
            out += [".PP", *text_lines(lines[i:j])]
            i = j
    return out


def list_item(lines):
    """A bullet: its first paragraph beside the bullet, what follows (a table, a code block)
    indented under it."""
    j = 0
    while j < len(lines) and lines[j].strip() and not lines[j].startswith("|"):
        j += 1
    out = [".IP \\(bu 2", *text_lines(lines[:j])]
    rest = blocks(lines[j:])
    if rest:
        out += [".RS 2", *rest, ".RE"]
    return out


def page(name, section, title, version, date, body):
    header = [
        f'.\\" Generated by scripts/gen_manpages.py from README.md: edit the README, not this.',
        f'.TH {name.upper()} {section} "{date}" "newswatch {version}" "{title}"',
    ]
    return "\n".join(header + body) + "\n"


def sh(title):
    return [f'.SH "{title}"']


# --------------------------------------------------------------------------- the pages


def newswatch_1(readme, secs):
    commands = section(secs, "Commands")
    synopsis = []
    for row in first_table(commands)[1:]:
        synopsis += [*text_lines([row[0]]), ".br"]
    return [
        *sh("NAME"),
        "newswatch \\- watch news feeds for the Iran\\(enUnited States story and keep each"
        " relevant item once in SQLite",
        *sh("SYNOPSIS"), *synopsis[:-1],
        *sh("DESCRIPTION"), *blocks(paragraph_starting(readme, "newswatch is a")),
        ".PP",
        "The configuration is described in",
        ".BR newswatch.toml (5).",
        *sh("COMMANDS"), *blocks(commands),
        *sh("DATABASE"), *blocks(section(secs, "The database")),
        *sh("FILES"), *blocks(section(secs, "Where things are")),
        *sh("SEE ALSO"),
        ".BR newswatch.toml (5),",
        ".BR sqlite3 (1),",
        ".BR systemctl (1),",
        ".BR journalctl (1),",
        ".BR systemd.exec (5)",
    ]


def newswatch_toml_5(readme, secs):
    return [
        *sh("NAME"),
        "newswatch.toml \\- configuration of newswatch, the news feed watcher",
        *sh("SYNOPSIS"),
        "/etc/newswatch/newswatch.toml",
        *sh("DESCRIPTION"),
        ".PP",
        "The configuration",
        ".BR newswatch (1)",
        "reads: a TOML file. The Debian package installs a commented example with the",
        "shipped outlets as /etc/newswatch/newswatch.toml; the service reads it, and",
        "\\fBsystemctl reload newswatch\\fR applies an edit.",
        *blocks(section(secs, "Configuration")),
        *sh("TOPIC PACKS"), *blocks(section(secs, "Topic packs")),
        *sh("ALERTS"), *blocks(section(secs, "Alerts")),
        *sh("METRICS AND HEALTH"), *blocks(section(secs, "Metrics and health")),
        *sh("SEE ALSO"),
        ".BR newswatch (1)",
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("readme", type=Path)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--version", default="")
    args = ap.parse_args()
    readme = args.readme.read_text(encoding="utf-8")
    secs = sections(readme)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = time.strftime("%Y-%m-%d", time.gmtime(int(epoch))) if epoch else ""
    args.outdir.mkdir(parents=True, exist_ok=True)
    for name, section_number, title, build in (
            ("newswatch", 1, "User Commands", newswatch_1),
            ("newswatch.toml", 5, "File Formats", newswatch_toml_5)):
        text = page(name, section_number, title, args.version, date, build(readme, secs))
        path = args.outdir / f"{name}.{section_number}"
        # Rewritten only when changed, so that make does not rebuild what depends on it.
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
