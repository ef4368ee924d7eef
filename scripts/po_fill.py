"""Fill empty English msgstr entries of a .po file from a JSON glossary (developer tool, not run in production).

Usage: python scripts/po_fill.py minsheng/locale/en/LC_MESSAGES/django.po scripts/en_glossary.json
Prints the msgids still untranslated so they can be added to the glossary.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ENTRY = re.compile(r'(msgid "((?:[^"\\]|\\.)*)"\nmsgstr ")(")', re.MULTILINE)
# A long msgid that makemessages wrapped over several lines: msgid "" then "…" lines, then an empty msgstr.
WRAPPED = re.compile(r'(msgid ""\n((?:"(?:[^"\\]|\\.)*"\n)+)msgstr ")("\n)', re.MULTILINE)


def main() -> int:
    po_path, glossary_path = Path(sys.argv[1]), Path(sys.argv[2])
    glossary: dict[str, str] = json.loads(glossary_path.read_text(encoding="utf-8"))
    text = po_path.read_text(encoding="utf-8")
    missing: list[str] = []

    def fill(m: re.Match[str]) -> str:
        msgid = m.group(2)
        if not msgid:
            return m.group(0)
        if msgid in glossary:
            return m.group(1) + glossary[msgid].replace('"', '\\"') + m.group(3)
        missing.append(msgid)
        return m.group(0)

    text = ENTRY.sub(fill, text)

    def fill_wrapped(m: re.Match[str]) -> str:
        msgid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        if msgid in glossary:
            return m.group(1) + glossary[msgid].replace('"', '\\"') + m.group(3)
        missing.append(msgid)
        return m.group(0)

    text = WRAPPED.sub(fill_wrapped, text)
    text = text.replace("#, fuzzy\n", "")
    po_path.write_text(text, encoding="utf-8")
    for msgid in missing:
        print(msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
