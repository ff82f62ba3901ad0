"""An organiser page while the database is unreachable: a plain page saying so, not a 500."""
from __future__ import annotations

import pytest

from brewline.platform.runtime import Runtime
from brewline.web.app import create_app
from tests.delivery.test_spool import NOWHERE


@pytest.fixture
def database_gone(settings, signed_in):
    """The same organiser's browser, on a Brewline whose database cannot be reached."""
    runtime = Runtime(settings.with_(database_url=NOWHERE))
    client = create_app(runtime=runtime).test_client()
    client.set_cookie("session", signed_in.client.get_cookie("session").value)
    yield client
    runtime.close()


@pytest.mark.parametrize("page", ["/", "/needs-a-look", "/answers", "/contacts"])
def test_an_organiser_page_says_the_database_is_not_answering_and_what_goes_on_meanwhile(
        database_gone, page):
    response = database_gone.get(page)
    text = response.get_data(as_text=True)
    assert response.status_code == 503, text
    assert "<h1>The database is not answering</h1>" in text
    assert "people get a short holding reply" in text and "Try this page again" in text


def test_the_live_page_says_callers_stay_in_the_room_and_tries_again_by_itself(
        database_gone):
    response = database_gone.get("/events/1/live")
    assert response.status_code == 503
    assert "Callers are still in the room" in response.get_data(as_text=True)
    assert response.headers["Refresh"] == "5"
