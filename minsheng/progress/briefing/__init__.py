"""Documents for the office: the quarterly 通报 (.docx in the GB/T 9704 layout, and PDF) and the 考核 export.

Not a `domain/` package (it writes files and may call LibreOffice), but it never imports Django: the progress
app builds the plain dataclasses in `data.py` from its models and hands them here.
"""
