"""Set the English msgstr entries of a .po file from a JSON glossary (developer tool, not run in production).

Usage: python scripts/po_fill.py minsheng/locale/en/LC_MESSAGES/django.po scripts/en_glossary.json

The glossary is the source of the English: every msgid found in it gets the glossary's text, replacing what
the .po held. A glossary value is a string, or [singular, plural] for a msgid_plural entry. Fuzzy entries
(makemessages' guesses from a similar msgid) lose the guess and the flag. Prints the msgids still without
English so they can be added to the glossary.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
KEYWORD = re.compile(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?) ")


def _parse(block: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Comments (without fuzzy flags and #| previous msgids), the fields (escaped text) and their order."""
    comments: list[str] = []
    fields: dict[str, str] = {}
    order: list[str] = []
    current = ""
    for line in block.split("\n"):
        if line.startswith("#|"):
            continue
        if line.startswith("#,"):
            flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
            if flags:
                comments.append("#, " + ", ".join(flags))
            continue
        if line.startswith("#"):
            comments.append(line)
            continue
        match = KEYWORD.match(line)
        if match:
            current = match.group(1)
            order.append(current)
            fields[current] = ""
        fields[current] += "".join(STRING.findall(line))
    return comments, fields, order


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _entry(
    comments: list[str], fields: dict[str, str], order: list[str], english: list[str] | None, *, clear: bool
) -> str:
    """The entry again: msgstr from `english` (singular, plural) when given, emptied when `clear`."""
    lines = list(comments)
    msgstrs = [key for key in order if key.startswith("msgstr")]
    for key in order:
        if key.startswith("msgstr") and english is not None:
            lines.append(f"{key} {_quote(english[min(msgstrs.index(key), len(english) - 1)])}")
        elif key.startswith("msgstr") and clear:
            lines.append(f'{key} ""')
        else:
            lines.append(f'{key} "{fields[key]}"')
    return "\n".join(lines)


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def main() -> int:
    po_path, glossary_path = Path(sys.argv[1]), Path(sys.argv[2])
    glossary: dict[str, str | list[str]] = json.loads(glossary_path.read_text(encoding="utf-8"))
    blocks = po_path.read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    out = [blocks[0]]  # the header entry stays as makemessages wrote it
    missing: list[str] = []
    for block in blocks[1:]:
        had_fuzzy = any(line.startswith("#, ") and "fuzzy" in line for line in block.split("\n"))
        comments, fields, order = _parse(block)
        msgid = _unescape(fields.get("msgid", ""))
        found = glossary.get(msgid)
        english = [found] if isinstance(found, str) else found
        if english is None and (had_fuzzy or not any(fields[k] for k in order if k.startswith("msgstr"))):
            missing.append(msgid)
        out.append(_entry(comments, fields, order, english, clear=had_fuzzy))  # a guess is not a translation
    po_path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    for msgid in missing:
        print(msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
