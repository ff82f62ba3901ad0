"""CSV uploads: 10 MB at most, CSV only, clear messages; webhooks keep their 64 KB limit."""
from __future__ import annotations

import pytest

from brewline.organiser.guard import organiser_blueprint
from brewline.organiser.uploads import MAX_UPLOAD, UploadError, accepts_uploads, csv_text
from brewline.web.app import create_app
from tests.organiser.conftest import Browserless, csrf_from


def stand_in():
    bp = organiser_blueprint("upload_stand_in")

    @bp.post("/try-upload")
    @accepts_uploads
    def upload():
        try:
            name, text = csv_text()
        except UploadError as exc:
            return str(exc), 400
        return f"{name}: {len(text.splitlines())} lines"

    return bp


@pytest.fixture
def uploader(runtime, organiser) -> Browserless:
    app = create_app(runtime=runtime)
    app.register_blueprint(stand_in())
    web = Browserless(app.test_client())
    web.sign_in()
    web.token = csrf_from(web.get("/answers"))
    return web


def multipart(fields: dict, name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body, built in memory (the test client's spills to a temp file
    it never closes)."""
    boundary = "brewline-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                 + data + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(web, name: str, data: bytes):
    body, content_type = multipart({"csrf_token": web.token}, name, data)
    return web.client.post("/try-upload", data=body, content_type=content_type)


def test_a_csv_upload_over_64_kilobytes_is_read(uploader):
    rows = b"phone,name\n" + b"07700900123,Sam\n" * 10_000
    response = upload(uploader, "people.csv", rows)
    assert response.status_code == 200 and response.text == "people.csv: 10001 lines"


def test_a_windows_excel_csv_is_read(uploader):
    response = upload(uploader, "people.CSV", "phone,name\n07700900123,Zo\xeb\n".encode("cp1252"))
    assert response.status_code == 200 and response.text.endswith("2 lines")


def test_a_file_that_is_not_csv_is_refused_with_a_clear_message(uploader):
    for name, data in (("people.xlsx", b"PK\x03\x04"), ("people.csv", b"PK\x03\x04\x00\x00")):
        response = upload(uploader, name, data)
        assert response.status_code == 400 and "not a CSV file" in response.text


def test_a_10_megabyte_file_is_refused_with_a_clear_message(uploader):
    response = upload(uploader, "big.csv", b"x" * MAX_UPLOAD)
    assert response.status_code == 400 and "The most we take is 10 MB" in response.text


def test_a_bigger_file_is_stopped_before_it_is_read_with_a_clear_page(uploader):
    response = upload(uploader, "big.csv", b"x" * (MAX_UPLOAD + 200_000))
    assert response.status_code == 413
    assert "The most we take is 10 MB" in response.text


def test_a_missing_file_is_asked_for(uploader):
    response = uploader.client.post("/try-upload", data={"csrf_token": uploader.token},
                                    content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a CSV file" in response.text


def test_webhooks_keep_their_64_kilobyte_limit(twilio):
    response = twilio.text("x" * 70_000)
    assert response.status_code == 413
