"""The procedure API over HTTP: listing, caching by ETag, compression, versions, evaluation."""
import copy
import gzip
import json

from backend.procedures import store

SLUG = "child-abuse-and-the-internet"
URL = f"/api/procedures/{SLUG}"


def test_list_names_the_chapter(client):
    response = client.get("/api/procedures")
    assert response.status_code == 200
    assert response.json == {"procedures": [{
        "slug": SLUG, "title": "Child Abuse and the Internet", "version": "10-r3",
        "updated": "2024-09-24", "versions": ["10", "10-r2", "10-r3"]}]}


def test_current_version_has_a_strong_etag_and_revalidates_with_304(client):
    first = client.get(URL)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.json["version"] == "10-r3"
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag


def test_a_stale_etag_gets_the_full_document(client):
    response = client.get(URL, headers={"If-None-Match": '"not-the-current-one"'})
    assert response.status_code == 200
    assert response.json["slug"] == SLUG


def test_document_is_gzipped_when_the_client_accepts_it(client):
    plain = client.get(URL)
    packed = client.get(URL, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 3
    assert json.loads(gzip.decompress(packed.data)) == plain.json
    # Either representation's tag revalidates the same content.
    revalidated = client.get(URL, headers={"If-None-Match": plain.headers["ETag"],
                                           "Accept-Encoding": "gzip"})
    assert revalidated.status_code == 304


def test_old_versions_stay_readable_after_a_new_one_is_loaded(app, client, procedure_document):
    newer = copy.deepcopy(procedure_document)
    newer["version"] = "11"
    newer["paragraphs"][0]["summary"] += " (revised)"
    with app.app_context():
        store.load(newer)
    assert client.get(URL).json["version"] == "11"
    old = client.get(f"{URL}/versions/10")
    assert old.status_code == 200 and old.json["version"] == "10"
    assert client.get("/api/procedures").json["procedures"][0]["versions"] == ["10", "10-r2", "10-r3", "11"]
    assert client.get(f"{URL}/versions/11").headers["ETag"] != old.headers["ETag"]


def test_loading_the_same_version_with_different_text_is_refused(runner, tmp_path, procedure_document):
    changed = copy.deepcopy(procedure_document)
    changed["title"] = "Something else"
    path = tmp_path / "v10-changed.json"
    path.write_text(json.dumps(changed))
    result = runner.invoke(args=["procedures", "load", str(path)])
    assert result.exit_code == 1
    assert "already loaded with different content" in result.output


def test_loading_the_same_file_twice_is_harmless(runner):
    from tests.conftest import PROCEDURE_FILE
    result = runner.invoke(args=["procedures", "load", str(PROCEDURE_FILE)])
    assert result.exit_code == 0
    assert "already loaded" in result.output


def test_unknown_procedure_and_version_are_404_in_the_error_shape(client):
    for url in ("/api/procedures/nope", f"{URL}/versions/99", "/api/nothing-here"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json["error"]["status"] == 404
        assert response.json["error"]["code"] == "not_found"


def test_evaluate_returns_actions_with_paragraphs_and_urgency(client):
    response = client.post(f"{URL}/evaluate", json={"answers": {
        "adult_concern": True, "adult_indecent_images": True, "adult_contact_with_children": ["volunteer"]}})
    assert response.status_code == 200
    body = response.json
    assert body["procedure"] == SLUG and body["version"] == "10-r3"
    assert body["urgency"] == "immediate"
    first = body["actions"][0]
    assert first["action"] == "immediate-strategy-meeting"
    assert first["paragraphs"] == ["substantial-contact-with-children"]
    assert "Internet Watch Foundation" in " ".join(a["title"] for a in body["actions"])


def test_evaluate_under_a_named_version(client):
    response = client.post(f"{URL}/evaluate", json={"version": "10", "answers": {"concern_specific_child": True}})
    assert [a["action"] for a in response.json["actions"]] == ["section-47-enquiry", "core-assessment"]


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200 and response.json == {"status": "ok"}
