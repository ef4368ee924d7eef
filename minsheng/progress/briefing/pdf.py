"""PDF of a 通报 through LibreOffice headless, with the GB/T 9704 font fallbacks (docs/adr/0006)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .fonts import FONTCONFIG_RULES, fontconfig_entry

SOFFICE_CANDIDATES: tuple[str, ...] = ("soffice", "libreoffice")
DEFAULT_TIMEOUT_S = 180


class OfficeUnavailableError(RuntimeError):
    """LibreOffice is not installed: the 通报 cannot be turned into a PDF on this machine."""


class ConversionError(RuntimeError):
    """LibreOffice ran but did not produce a PDF (or ran out of time)."""


def find_soffice() -> str:
    """The path of LibreOffice's `soffice`; raises OfficeUnavailableError with a Chinese message when absent."""
    for name in SOFFICE_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise OfficeUnavailableError(
        "未安装 LibreOffice（找不到 soffice），无法将通报转换为 PDF。"
        "请以 root 身份运行 `make office-deps`（安装 libreoffice-writer-nogui 及中文字体）后重试；"
        ".docx 文件不受影响，可直接下载编辑。"
        " (LibreOffice is not installed: run `make office-deps` as root.)"
    )


def briefing_pdf(
    docx_path: str | Path, *, out_dir: str | Path | None = None, timeout_s: int = DEFAULT_TIMEOUT_S
) -> Path:
    """Convert the .docx at `docx_path` to PDF and return the PDF's path (beside the .docx by default).

    Runs `soffice --headless --convert-to pdf` in a private temporary profile and directory, with
    FONTCONFIG_FILE pointing at the system configuration plus our fallback rules, so the official font names
    print in the free stand-ins when the originals are absent. Raises OfficeUnavailableError when LibreOffice
    is missing and ConversionError when it fails or exceeds `timeout_s` seconds.
    """
    source = Path(docx_path).resolve()
    if not source.is_file():
        raise FileNotFoundError(source)
    target_dir = Path(out_dir).resolve() if out_dir is not None else source.parent
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="minsheng-pdf-") as tmp:
        work = Path(tmp)
        conf = work / "fonts.conf"
        conf.write_text(fontconfig_entry(FONTCONFIG_RULES), encoding="utf-8")
        # Copy under an ASCII name: LibreOffice's output name follows the input's.
        staged = work / "briefing.docx"
        shutil.copyfile(source, staged)
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work / "out"),
            str(staged),
        ]
        try:
            done = subprocess.run(  # noqa: S603 (fixed program, our own arguments)
                command, capture_output=True, text=True, timeout=timeout_s, env=env, check=False, cwd=work
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice 转换超时（{timeout_s} 秒）：{source.name}") from exc
        produced = work / "out" / "briefing.pdf"
        if done.returncode != 0 or not produced.is_file():
            raise ConversionError(
                f"LibreOffice 未能生成 PDF（退出码 {done.returncode}）：{source.name}\n{done.stderr.strip()[-2000:]}"
            )
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / (source.stem + ".pdf")
        shutil.move(produced, target)
    return target


__all__ = ["ConversionError", "OfficeUnavailableError", "briefing_pdf", "find_soffice"]
