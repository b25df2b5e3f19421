"""The text of minutes uploaded as a file (.docx, .pdf), extracted once per record into `RecordText` and
fed to the copied-minutes signal beside the typed minutes. A scanned PDF (images only) yields no text."""

import io
import logging
import zipfile

import docx
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from dangjian.meetings.models import Record

from .review import RecordText

log = logging.getLogger(__name__)
MINUTES_KIND = "minutes"  # the rulebook's record kind of the 会议记录
MAX_CHARS = 100_000  # far beyond any minutes; a huge attachment is not read whole


def text_of(data: bytes, name: str) -> str:
    """The visible text of a .docx or .pdf file (paragraphs and table cells), "" for anything else or a
    file that cannot be read."""
    try:
        if data.startswith(b"PK"):
            document = docx.Document(io.BytesIO(data))
            parts = [p.text for p in document.paragraphs]
            for table in document.tables:
                parts += [cell.text for row in table.rows for cell in row.cells]
            return "\n".join(p for p in parts if p.strip())[:MAX_CHARS]
        if data.startswith(b"%PDF"):
            reader = PdfReader(io.BytesIO(data))
            return "\n".join(page.extract_text() or "" for page in reader.pages)[:MAX_CHARS]
    except (PyPdfError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        log.warning("text of %s could not be extracted: %s", name, exc)
    return ""


def extract_missing() -> int:
    """Extract the text of uploaded minutes files not read yet; returns how many were read."""
    fresh = []
    for record in Record.objects.filter(kind=MINUTES_KIND, extracted__isnull=True).exclude(file=""):
        try:
            with record.file.open("rb") as f:
                text = text_of(f.read(), record.original_name)
        except OSError:
            log.warning("minutes file of record %s could not be opened", record.pk)
            text = ""
        fresh.append(RecordText(record=record, text=text))
    RecordText.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    return len(fresh)
