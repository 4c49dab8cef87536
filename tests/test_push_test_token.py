"""A test alert's token is checked without a 500 whatever is sent: non-ASCII characters (which
hmac.compare_digest refuses in a str) and non-ASCII digits ("٣" is a digit to str.isdigit)
are simply not a token of ours (found by the schemathesis fuzz)."""
import pytest

from backend.push import health
from tests.push_support import push_app, signed_in  # noqa: F401 (fixtures)

SECRET = "a-secret-key-long-enough-for-the-tests"


@pytest.mark.parametrize("token", ["1.é", "é.AAAA", "٣.AAAAAAAAAAAAAAAAAAAAAAAA", "1.\u0000", "12345678901234.x"])
def test_a_token_that_is_not_ours_is_none_never_an_error(token):
    assert health.job_of_token(SECRET, token) is None


def test_a_real_token_names_its_job():
    assert health.job_of_token(SECRET, health.test_token(SECRET, 42)) == 42


def test_the_ack_endpoint_answers_404_to_a_non_ascii_token(push_app, signed_in):
    response = signed_in("manager").post("/api/push/test-alerts/ack",
                                         {"token": "1.ſſſ", "endpoint": "https://fcm.googleapis.com/fcm/send/é",
                                          "auth": "ſſſ"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
