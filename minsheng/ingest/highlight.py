"""The review screen's document view: normalised text with `<mark>`s built from spans, every segment escaped.

The document text is untrusted. It is never marked safe: the HTML is assembled from `escape()`d text segments
and tags built with `format_html()` (attributes are integers and class names from a fixed set), joined with
`format_html_join()`, so every piece is escaped or a literal tag.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    css: str  # from a fixed set: "target", "commitment", "flag" plus a decision class
    proposal_id: int | None = None


_CLOSE = SafeString("</mark>")  # a literal tag
_ALLOWED_CSS = {"target", "commitment", "flag", "pending", "accepted", "corrected", "rejected"}


def highlight_html(text: str, spans: list[Span]) -> SafeString:
    """`text` escaped, with each span wrapped in a `<mark>`.

    Spans with the same start and end (two targets stated by one value, "A、B均达到98%以上") are nested, so
    each keeps its own mark and id. Otherwise spans are taken in order of start (earlier listed first on
    ties); a span overlapping one already placed is clipped to begin after it, or dropped when nothing is
    left, so marks never cross.
    """
    groups: dict[tuple[int, int], list[Span]] = {}
    for span in spans:
        groups.setdefault((span.start, span.end), []).append(span)
    parts: list[SafeString] = []
    pos = 0
    n = len(text)
    for (s_start, s_end), same in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        start, end = max(s_start, pos), min(s_end, n)
        if end <= start:
            continue
        parts.append(escape(text[pos:start]))
        parts.extend(_open(span) for span in same)
        parts.append(escape(text[start:end]))
        parts.extend(_CLOSE for _ in same)
        pos = end
    parts.append(escape(text[pos:]))
    return format_html_join("", "{}", ((part,) for part in parts))


def _open(span: Span) -> SafeString:
    classes = " ".join(c for c in span.css.split() if c in _ALLOWED_CSS)
    if span.proposal_id is not None:
        pid = int(span.proposal_id)
        return format_html('<mark id="m-{}" class="{}" data-proposal="{}" tabindex="-1">', pid, classes, pid)
    return format_html('<mark class="{}" title="{}">', classes, "疑似乱码，请核对原件")
