"""The English catalog is complete (no empty or fuzzy entry) and the committed .mo is compiled from the .po.

To refresh: `cd minsheng && ../.venv/bin/python -m minsheng makemessages -l en`, add the new msgids to
scripts/en_glossary.json, `python scripts/po_fill.py minsheng/locale/en/LC_MESSAGES/django.po
scripts/en_glossary.json`, then `cd minsheng && ../.venv/bin/python -m minsheng compilemessages`.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

LC = Path(__file__).resolve().parent.parent / "minsheng" / "locale" / "en" / "LC_MESSAGES"
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def _entries() -> list[dict[str, str]]:
    """Every entry but the header: its fields (msgid, msgid_plural, msgstr, msgstr[0] …), unescaped, and
    "fuzzy" when makemessages marked it so."""
    entries: list[dict[str, str]] = []
    for block in (LC / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]:
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fields["fuzzy"] = "yes"
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                key = line.split(" ", 1)[0]
                fields[key] = ""
            fields[key] += _unescape("".join(STRING.findall(line)))
        entries.append(fields)
    return entries


def test_every_msgid_has_english_and_none_is_fuzzy() -> None:
    entries = _entries()
    assert len(entries) > 400
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e]
    assert not untranslated, f"{len(untranslated)} msgids without English, e.g. {untranslated[:5]}"
    assert not fuzzy, f"fuzzy (guessed) entries: {fuzzy[:5]}"


def test_compiled_catalog_matches_the_po() -> None:
    with (LC / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for e in _entries():
        if "msgid_plural" in e:
            found, english = catalog.ngettext(e["msgid"], e["msgid_plural"], 1), e["msgstr[0]"]
        else:
            found, english = catalog.gettext(e["msgid"]), e["msgstr"]
        assert found == english, f"django.mo is stale for {e['msgid']!r}: run compilemessages"
