"""CSV uploads on organiser pages: up to 10 MB (webhooks stay at 64 KB), CSV only."""
from __future__ import annotations

from flask import current_app, request

MAX_UPLOAD = 10 * 1024 * 1024
NOT_CSV = ("That file is not a CSV file. In your spreadsheet, choose Save As, pick "
           "'CSV (comma separated)', and upload that file.")
TOO_BIG = "That file is too big. The most we take is 10 MB: split it into smaller files."


class UploadError(ValueError):
    """An upload we refuse; the message tells the organiser what to do."""


def accepts_uploads(view):
    """Mark a view as taking a file upload, so its request may be up to 10 MB."""
    view.upload_limit = MAX_UPLOAD
    return view


def raise_limit_for_uploads():
    """before_request: lift the 64 KB body limit for views marked with accepts_uploads."""
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, "upload_limit", None)
    if limit:
        request.max_content_length = limit + 64 * 1024  # the form around the file


def csv_text(field: str = "file") -> tuple[str, str]:
    """(file name, text) of an uploaded CSV file; UploadError with a clear reason if not."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise UploadError("Choose a CSV file to upload.")
    if not upload.filename.lower().endswith(".csv"):
        raise UploadError(NOT_CSV)
    data = upload.read(MAX_UPLOAD + 1)
    if len(data) >= MAX_UPLOAD:
        raise UploadError(TOO_BIG)
    if b"\x00" in data:
        raise UploadError(NOT_CSV)  # a spreadsheet file renamed to .csv
    return upload.filename, _decode(data)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in this code page.
        return data.decode("cp1252", errors="replace")
