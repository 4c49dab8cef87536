"""A database that does not answer gives clear 503s, not 500s (the fault suite stops a real one)."""
from backend import create_app
from tests.conftest import base_config


def test_an_unreachable_database_is_a_503_with_retry_after():
    # Nothing listens on port 1: every connection is refused at once.
    app = create_app(base_config("postgresql+psycopg://nobody@127.0.0.1:1/nothing"))
    client = app.test_client()
    for response in (client.get("/api/health"), client.get("/api/procedures"),
                     client.get("/api/procedures/child-abuse-and-the-internet")):
        assert response.status_code == 503
        assert response.json["error"]["code"] == "unavailable"
        assert response.headers["Retry-After"] == "5"
