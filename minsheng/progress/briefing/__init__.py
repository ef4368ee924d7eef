"""Documents for the office: the quarterly 通报 (.docx in the GB/T 9704 layout, and PDF) and the 考核 export.

Not a `domain/` package (it writes files and may call LibreOffice), but it never imports Django: the progress
app builds the plain dataclasses in `data.py` from its models and hands them here.
"""

from .assessment_xlsx import safe_text, write_assessment_xlsx
from .charts import ChartFontMissingError, status_bar_chart, system_status_chart
from .data import STATUS_ORDER, BriefingData, Chart, NamedUnit, SystemHighlights, TargetRow
from .document import build_briefing_docx, chinese_date, overall_sentence
from .pdf import ConversionError, OfficeUnavailableError, briefing_pdf

__all__ = [
    "STATUS_ORDER",
    "BriefingData",
    "Chart",
    "ChartFontMissingError",
    "ConversionError",
    "NamedUnit",
    "OfficeUnavailableError",
    "SystemHighlights",
    "TargetRow",
    "briefing_pdf",
    "build_briefing_docx",
    "chinese_date",
    "overall_sentence",
    "safe_text",
    "status_bar_chart",
    "system_status_chart",
    "write_assessment_xlsx",
]
