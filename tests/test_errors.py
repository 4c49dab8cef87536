"""Bad input gets the one JSON error shape, the right status, and changes nothing."""
import pytest

URL = "/api/procedures/child-abuse-and-the-internet/evaluate"


def assert_error(response, status, code):
    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_malformed_json_is_400(client):
    assert_error(client.post(URL, data='{"answers": ', content_type="application/json"),
                 400, "malformed_json")


def test_non_json_constants_are_refused(client):
    assert_error(client.post(URL, data='{"answers": {"child_age": NaN}}',
                             content_type="application/json"), 400, "malformed_json")


def test_deeply_nested_json_is_400_not_500(client):
    assert_error(client.post(URL, data="[" * 50_000 + "]" * 50_000,
                             content_type="application/json"), 400, "malformed_json")


def test_wrong_content_type_is_415(client):
    assert_error(client.post(URL, data='{"answers": {}}', content_type="text/plain"),
                 415, "unsupported_media_type")


def test_oversized_body_is_413(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"answers": {"worker_assessment": "' + "x" * limit + '"}}'
    assert_error(client.post(URL, data=body, content_type="application/json"),
                 413, "payload_too_large")


def test_unknown_question_id_is_422_with_the_field(client):
    error = assert_error(client.post(URL, json={"answers": {"favourite_colour": "blue"}}),
                         422, "validation_failed")
    assert error["fields"] == {"answers.favourite_colour": ["Unknown question for this procedure version."]}


@pytest.mark.parametrize("qid, value", [
    ("child_age", "twelve"), ("child_age", True), ("child_age", 99), ("looked_after", "yes"),
    ("dp_exists", "perhaps"), ("sharing_aggravating_factors", ["coercion", "coercion"]),
    ("sharing_aggravating_factors", "coercion"), ("case_reference", "x" * 41),
    ("case_reference", 12345),
])
def test_wrong_answer_types_are_422(client, qid, value):
    error = assert_error(client.post(URL, json={"answers": {qid: value}}), 422, "validation_failed")
    assert list(error["fields"]) == [f"answers.{qid}"]


def test_unknown_top_level_field_is_422(client):
    error = assert_error(client.post(URL, json={"answers": {}, "admin": True}), 422, "validation_failed")
    assert "admin" in error["fields"]


def test_body_that_is_not_an_object_is_422(client):
    assert_error(client.post(URL, json=[1, 2]), 422, "validation_failed")


def test_missing_answers_is_422(client):
    error = assert_error(client.post(URL, json={}), 422, "validation_failed")
    assert "answers" in error["fields"]


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/api/procedures")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_unexpected_errors_are_500_in_the_shape_without_details(app, client):
    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    error = assert_error(client.get("/api/boom"), 500, "internal_error")
    assert "secret" not in error["message"]


def test_api_responses_carry_security_headers(client):
    response = client.get("/api/health")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_nul_characters_are_refused_before_they_reach_the_database(client):
    error = assert_error(client.post(URL, json={"answers": {"worker_assessment": "a\x00b"}}),
                         422, "validation_failed")
    assert "NUL" in error["message"]
    assert_error(client.get("/api/procedures?x=%00"), 400, "bad_request")


def test_absurdly_nested_json_is_422(client):
    nested = {"answers": {"worker_assessment": "x"}}
    for _ in range(30):
        nested = {"answers": nested}
    assert_error(client.post(URL, json=nested), 422, "validation_failed")


def test_an_id_past_what_a_row_holds_names_nothing_in_every_route(app, device):
    """Every `<int:…>` route: one converter bounds the id, so none reaches the database."""
    admin = device("admin")
    routes = [r for r in app.url_map.iter_rules() if "<int:" in r.rule and r.rule.startswith("/api/")]
    assert routes, "no route takes an integer id"
    for rule in routes:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(2**63))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            headers = admin._headers({"X-CSRFToken": admin.csrf or ""})
            answer = admin.client.open(path, method=method, json={}, headers=headers)
            assert answer.status_code == 404, (method, path, answer.status_code)
            assert answer.json["error"]["code"] == "not_found", (method, path)
