"""The review screen's document view: normalised text with `<mark>`s built from spans, every segment escaped.

The document text is untrusted. It is never marked safe as a whole: the HTML is assembled from escaped text
segments and fixed tags whose attributes are integers and class names chosen here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    css: str  # from a fixed set: "target", "commitment", "flag" plus a decision class
    proposal_id: int | None = None


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
    parts: list[str] = []
    pos = 0
    n = len(text)
    for (s_start, s_end), same in sorted(groups.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        start, end = max(s_start, pos), min(s_end, n)
        if end <= start:
            continue
        parts.append(escape(text[pos:start]))
        parts.extend(_open(span) for span in same)
        parts.append(escape(text[start:end]))
        parts.append("</mark>" * len(same))
        pos = end
    parts.append(escape(text[pos:]))
    return mark_safe("".join(parts))  # noqa: S308 — every text segment above is escaped


def _open(span: Span) -> str:
    classes = " ".join(c for c in span.css.split() if c in _ALLOWED_CSS)
    if span.proposal_id is not None:
        pid = int(span.proposal_id)
        return f'<mark id="m-{pid}" class="{classes}" data-proposal="{pid}" tabindex="-1">'
    return f'<mark class="{classes}" title="疑似乱码，请核对原件">'
