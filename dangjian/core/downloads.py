"""Serving an uploaded file: a record whose file is gone from storage answers 404 in Chinese, not 500."""

from django.http import FileResponse
from django.shortcuts import render


def stored_file(request, field, content_type: str, filename: str):
    """The file of a FileField as a download (images shown inline), or the 文件缺失 page."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, IsADirectoryError):
        return render(request, "core/file_missing.html", {"filename": filename}, status=404)
    return FileResponse(
        handle,
        content_type=content_type or "application/octet-stream",
        filename=filename,
        as_attachment=not content_type.startswith("image/"),
    )
