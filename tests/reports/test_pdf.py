"""LibreOffice turns the Word file into a PDF, as an official's office suite would open and print it.

Needs Debian's LibreOffice (``.ci/install-office``): skipped on a developer's machine without it,
failed under CI, where a converter that silently went missing would hide a broken document. The
text and fonts of the PDF are checked with poppler's pdftotext and pdffonts when they are there
(the same script installs them). The PDF is kept in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sxsh_flow.reports.docx import render_docx
from sxsh_flow.reports.model import ConsolidatedReport

pytestmark = pytest.mark.office

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"  # gitignored
TIMEOUT = 120  # seconds: a cold start of LibreOffice takes a few; a hung one must not hang the suite


def _missing(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where LibreOffice is part of the setup."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: run .ci/install-office before the tests)", pytrace=False)
    pytest.skip(f"{reason}; install it with .ci/install-office")


@pytest.fixture(scope="module")
def office() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        _missing("LibreOffice (libreoffice or soffice) is not on PATH")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def pdf(office: str, report: ConsolidatedReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pdf")
    source = folder / "bao-cao-2017.docx"
    source.write_bytes(render_docx(report))
    # A profile of its own: two runs sharing the user's profile wait for each other's lock, or fail.
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    command = [office, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    converted = folder / "bao-cao-2017.pdf"
    assert converted.exists(), f"no PDF; LibreOffice said: {done.stdout} {done.stderr}"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(converted, ARTIFACTS / "consolidated-report-2017.pdf")
    return converted


def _poppler(tool: str, *arguments: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    done = subprocess.run([tool, *arguments], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_libreoffice_converts_the_word_file_to_a_pdf(pdf: Path) -> None:
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(content) > 20_000  # text, two charts and the fonts embedded


def test_the_pdf_is_a4_and_keeps_the_header_the_date_and_the_amount_in_words(pdf: Path) -> None:
    info = _poppler("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 4 <= pages <= 10
    text = " ".join(_poppler("pdftotext", "-enc", "UTF-8", str(pdf), "-").split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Hải Dương, ngày 05 tháng 01 năm 2018" in text
    assert "Bằng chữ: Một tỷ, không trăm hai mươi ba triệu, sáu trăm nghìn đồng." in text
    assert "Nơi nhận:" in text
    assert "Phụ lục I" in text


def test_every_letter_is_set_in_the_times_new_roman_family(pdf: Path) -> None:
    # Without a Times New Roman that has the Vietnamese letters, LibreOffice borrows them one by one
    # from another font (DejaVu): the page then mixes two typefaces in one word.
    listing = _poppler("pdffonts", str(pdf)).splitlines()[2:]
    fonts = {line.split()[0].split("+")[-1] for line in listing if line.strip()}
    assert fonts
    strangers = {font for font in fonts if not re.match(r"(LiberationSerif|TimesNewRoman)", font)}
    assert not strangers, f"{strangers}: install fonts-liberation2 (.ci/install-office)"
