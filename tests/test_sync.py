"""The sync API: exactly once, conflicts kept, items independent, answers checked on the server."""
import datetime as dt
import threading
import uuid

from sqlalchemy import event, func, select

from backend.concerns.models import Concern, ConcernRevision
from backend.extensions import db

SLUG = "child-abuse-and-the-internet"


def change(concern_id=None, base_version=0, status="draft", **overrides):
    body = {"id": concern_id or str(uuid.uuid4()), "change_id": str(uuid.uuid4()),
            "base_version": base_version, "case_reference": "CR-2024/001", "procedure": SLUG,
            "procedure_version": "10", "answers": {"case_reference": "CR-2024/001", "child_age": 14},
            "notes": "", "status": status}
    body.update(overrides)
    if "case_reference" not in overrides and isinstance(body["answers"], dict):
        body["case_reference"] = body["answers"].get("case_reference", "CR-2024/001")
    return body


def sync(device, *changes):
    response = device.post("/api/sync", {"changes": list(changes)})
    assert response.status_code == 200, response.json
    return response.json["results"]


def count(app, model, **filters):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def test_a_new_concern_is_applied_at_version_1(device):
    worker = device("worker")
    [result] = sync(worker, change())
    assert result["result"] == "applied" and result["version"] == 1
    assert result["status"] == "draft"
    stored = worker.get(f"/api/concerns/{result['id']}").json
    assert stored["version"] == 1 and stored["status"] == "draft"
    assert stored["author"]["username"] == "worker"
    assert stored["team"]["name"] == "North"


def test_an_applied_change_is_answered_with_its_version_not_the_concern_sent_back(device):
    """The device has what it sent. Answers and notes do not travel back over the air
    (minimum data); only a conflict carries the server's copy, for the author to reconcile."""
    worker = device("worker")
    created, = sync(worker, change(notes="said on the phone"))
    assert set(created) == {"id", "change_id", "result", "version", "status", "urgency"}
    again, = sync(worker, change(created["id"], base_version=1, notes="edited"))
    assert set(again) == set(created) and again["version"] == 2
    stale, = sync(worker, change(created["id"], base_version=1, notes="edited elsewhere"))
    assert stale["result"] == "conflict" and stale["concern"]["notes"] == "edited"


def test_the_same_change_twice_is_stored_once(app, device):
    worker = device("worker")
    item = change()
    first, = sync(worker, item)
    second, = sync(worker, item)
    assert first["result"] == "applied" and second["result"] == "duplicate"
    assert second["version"] == first["version"] == 1
    assert count(app, Concern, id=item["id"]) == 1
    assert count(app, ConcernRevision, change_id=item["change_id"]) == 1


def test_a_concern_created_and_changed_in_one_batch_keeps_every_change_once(app, device):
    """A day offline queues a concern, its edits, its submission and an addendum, and they travel
    together: the new concern is written as a row, and what follows it in the batch
    reads it as stored. A change sent twice in the batch is stored once."""
    worker = device("worker")
    cid = str(uuid.uuid4())
    created = change(cid, notes="first")
    edited = change(cid, base_version=1, notes="second", answers={"case_reference": "CR-2024/001", "child_age": 9})
    stale = change(cid, base_version=1, notes="from the tablet")
    submitted = change(cid, base_version=2, status="submitted", notes="second",
                       answers={"case_reference": "CR-2024/001", "child_age": 9, "concern_specific_child": True})
    added = change(cid, base_version=3, addendum="The school rang back.")
    results = sync(worker, created, created, edited, stale, submitted, added, edited)
    assert [(r["result"], r["version"]) for r in results] == [
        ("applied", 1), ("duplicate", 1), ("applied", 2), ("conflict", 2), ("applied", 3), ("applied", 4),
        ("duplicate", 2)]
    stored = worker.get(f"/api/concerns/{cid}").json
    assert stored["version"] == 4 and stored["status"] == "submitted" and stored["notes"] == "second"
    assert stored["answers"]["child_age"] == 9
    assert stored["urgency"] == results[4]["urgency"] == "urgent"
    # The tracked actions are the manager's work: the author never reads them back.
    assert "tracked_actions" not in stored
    tracked = device("manager").get(f"/api/concerns/{cid}").json["tracked_actions"]
    assert [a["action"] for a in tracked] == [a["action"] for a in stored["actions"]]
    history = worker.get(f"/api/concerns/{cid}/history").json["revisions"]
    assert [r["kind"] for r in history] == ["applied", "applied", "conflict", "applied", "addendum"]
    assert count(app, Concern, id=cid) == 1


def test_twenty_threads_sending_the_same_change_store_it_once(app, device):
    worker = device("worker")
    item = change(status="submitted", answers={"case_reference": "CR-1", "concern_specific_child": True})
    results, errors = [], []
    barrier = threading.Barrier(20)

    def send():
        try:
            barrier.wait()
            response = worker.post("/api/sync", {"changes": [item]})
            results.append((response.status_code, response.json["results"][0]["result"]))
        except Exception as err:  # surfaced below: a thread's failure must fail the test
            errors.append(err)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(results) == [(200, "applied")] + [(200, "duplicate")] * 19
    assert count(app, Concern, id=item["id"]) == 1
    assert count(app, ConcernRevision, concern_id=item["id"]) == 1


def test_an_edit_on_the_current_version_is_applied(device):
    worker = device("worker")
    first, = sync(worker, change())
    second, = sync(worker, change(first["id"], base_version=1, answers={"child_age": 15}))
    assert second["result"] == "applied" and second["version"] == 2
    assert worker.get(f"/api/concerns/{first['id']}").json["answers"] == {"child_age": 15}


def test_a_stale_base_version_is_a_conflict_and_both_versions_are_kept(app, device):
    worker = device("worker")
    created, = sync(worker, change())
    cid = created["id"]
    sync(worker, change(cid, base_version=1, notes="edited on the phone"))
    stale, = sync(worker, change(cid, base_version=1, notes="edited on the tablet"))
    assert stale["result"] == "conflict"
    assert stale["concern"]["notes"] == "edited on the phone"  # the server copy comes back
    assert stale["version"] == 2
    history = worker.get(f"/api/concerns/{cid}/history").json["revisions"]
    assert [r["kind"] for r in history] == ["applied", "applied", "conflict"]
    assert history[2]["body"]["notes"] == "edited on the tablet"
    assert history[2]["base_version"] == 1


def test_resending_a_conflicting_change_stores_nothing_more(app, device):
    worker = device("worker")
    created, = sync(worker, change())
    sync(worker, change(created["id"], base_version=1))
    stale = change(created["id"], base_version=1)
    assert sync(worker, stale)[0]["result"] == "conflict"
    assert sync(worker, stale)[0]["result"] == "conflict"
    assert count(app, ConcernRevision, concern_id=created["id"]) == 3


def test_one_bad_item_does_not_stop_the_others(app, device):
    worker = device("worker")
    good1, good2 = change(), change()
    bad = change(answers={"child_age": "fourteen"})
    results = sync(worker, good1, bad, good2, {"not": "a change"})
    assert [r["result"] for r in results] == ["applied", "rejected", "applied", "rejected"]
    assert results[1]["errors"] == {"answers.child_age": ["Must be a whole number."]}
    assert results[1]["id"] == bad["id"]
    assert "id" in results[3]["errors"]
    assert count(app, Concern, id=bad["id"]) == 0


def statements_of(app, send) -> list[str]:
    """The first three words of every statement the database was sent while `send` ran."""
    statements = []
    with app.app_context():
        engine = db.engine

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()[:3]))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements


def test_a_batch_of_new_concerns_is_written_in_one_insert_per_table(app, device):
    """A statement per concern per table made a sync cost twice a health check. The
    batch's concerns go in one INSERT, their revisions in another, their audit rows in a third,
    and their recommended actions in a fourth, whatever mix of drafts and submissions it holds
    (concerns of different shapes once went in one INSERT per shape)."""
    worker = device("worker")
    submitted = {"answers": {"case_reference": "CR-S", "concern_specific_child": True}, "status": "submitted"}
    phoned_at = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()
    called = {"phoned_at": phoned_at, "desk": "duty", "number": "0151 496 0000", "spoke_to": "Sam"}
    batch = [change(), change(**submitted), change(), change(**submitted, duty_call=called),
             change(status="submitted"), change(duty_call=called), change(), change(**submitted)]
    results = []
    statements = statements_of(app, lambda: results.extend(sync(worker, *batch)))
    assert [r["result"] for r in results] == ["applied"] * 8
    inserts = sorted(s for s in statements if s.startswith("INSERT INTO"))
    once = ["INSERT INTO audit_events", "INSERT INTO concern_revisions", "INSERT INTO concerns"]
    # The actions too, on both databases: they are written as rows, and no new id is read back.
    assert inserts == sorted(once + ["INSERT INTO concern_actions"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConcernRevision).where(
            ConcernRevision.concern_id.in_([r["id"] for r in results]))) == 8
        stored = {c.id: c for c in db.session.scalars(select(Concern).where(
            Concern.id.in_([r["id"] for r in results])))}
        assert [stored[r["id"]].status for r in results] == [c["status"] for c in batch]
        assert [stored[r["id"]].duty_call is not None for r in results] == ["duty_call" in c for c in batch]
        # Unset is SQL NULL, as before, not JSON's null.
        assert db.session.scalar(select(func.count()).select_from(Concern).where(
            Concern.id.in_([r["id"] for r in results]), Concern.duty_call.is_(None))) == 6


def test_a_batch_of_new_concerns_reads_the_user_and_device_key_together_and_no_history(app, device):
    """A sync of new concerns reads the signed-in user with the device key's hash in one
    statement, and looks for earlier changes only of concerns that exist (none here: a change id
    used before is still caught, by the unique index; test_access.py)."""
    worker = device("worker")
    statements = statements_of(app, lambda: sync(worker, change(), change(), change()))
    reads = [s for s in statements if s.startswith("SELECT")]
    assert not [s for s in reads if "device_keys" in s or "concern_revisions" in s], reads
    assert len([s for s in reads if s.startswith("SELECT users.")]) == 1, reads


def test_a_change_another_request_stored_meanwhile_is_undone_alone_and_found_again(app, device, monkeypatch):
    """The batch reads what it touches up front and writes its rows together. A change stored by
    another request after that read clashes with that write: the batch's write is undone, each
    change is applied again in a savepoint of its own, the clashing one is undone alone, looked
    up afresh and answered as a duplicate, and the rest of the batch (and its audit trail) is kept."""
    from backend.audit.models import AuditEvent
    from backend.concerns import sync as sync_module

    worker = device("worker")
    raced = change()
    assert sync(worker, raced)[0]["result"] == "applied"
    real_read_ahead = sync_module._read_ahead

    def read_before_the_other_request_committed(changes):
        concerns, revisions = real_read_ahead(changes)
        db.session.expunge(concerns.pop(raced["id"]))  # this transaction never saw the row
        revisions.pop(raced["change_id"])
        return concerns, revisions

    monkeypatch.setattr(sync_module, "_read_ahead", read_before_the_other_request_committed)
    first, last = change(), change()
    results = sync(worker, first, raced, last)
    assert [r["result"] for r in results] == ["applied", "duplicate", "applied"]
    assert count(app, ConcernRevision, concern_id=raced["id"]) == 1
    assert count(app, Concern, id=first["id"]) == count(app, Concern, id=last["id"]) == 1
    with app.app_context():
        audited = db.session.execute(select(AuditEvent.object_id, AuditEvent.action).where(
            AuditEvent.object_id.in_([first["id"], raced["id"], last["id"]]))).all()
    assert sorted(audited) == sorted([(first["id"], "sync_applied"), (raced["id"], "sync_applied"),
                                      (last["id"], "sync_applied")])  # the raced one only once, from its first send


def test_urgency_and_actions_are_recomputed_on_the_server(device):
    worker = device("worker")
    item = change(answers={"case_reference": "CR-9", "adult_concern": True,
                           "adult_indecent_images": True, "adult_substantial_contact": True})
    item["urgency"] = "routine"  # a client cannot choose its own urgency
    rejected, = sync(worker, item)
    assert rejected["result"] == "rejected" and "urgency" in rejected["errors"]
    del item["urgency"]
    applied, = sync(worker, item)
    assert applied["urgency"] == "immediate"
    stored = worker.get(f"/api/concerns/{applied['id']}").json
    assert stored["urgency"] == "immediate"
    assert stored["actions"][0]["action"] == "immediate-strategy-meeting"


def test_submitting_needs_the_required_answers(device):
    worker = device("worker")
    result, = sync(worker, change(status="submitted", answers={"child_age": 3}))
    assert result["result"] == "rejected"
    assert result["errors"] == {"answers.case_reference": ["An answer is required before submitting."]}


def test_a_submitted_concern_is_frozen_but_takes_addenda(device):
    worker = device("worker")
    submitted, = sync(worker, change(status="submitted", answers={"case_reference": "CR-5"}))
    cid = submitted["id"]
    edit, = sync(worker, change(cid, base_version=1, answers={"case_reference": "CR-5", "child_age": 9}))
    assert edit["result"] == "rejected" and "frozen" in edit["errors"]["status"][0]
    addendum, = sync(worker, change(cid, base_version=1, addendum="The child's mother called back."))
    assert addendum["result"] == "applied"
    assert worker.get(f"/api/concerns/{cid}").json["answers"] == {"case_reference": "CR-5"}
    history = worker.get(f"/api/concerns/{cid}/history").json["revisions"]
    assert history[-1]["kind"] == "addendum"
    assert history[-1]["body"]["addendum"] == "The child's mother called back."


def test_a_concern_keeps_the_procedure_version_it_was_started_under(device):
    worker = device("worker")
    created, = sync(worker, change())
    moved, = sync(worker, change(created["id"], base_version=1, procedure_version="11"))
    assert moved["result"] == "rejected" and "procedure_version" in moved["errors"]


def test_the_case_reference_must_match_its_answer(device):
    result, = sync(device("worker"), change(case_reference="CR-A", answers={"case_reference": "CR-B"}))
    assert result["result"] == "rejected"
    assert result["errors"] == {"answers.case_reference": ["Must be the same as case_reference."]}


def test_unknown_fields_and_bad_ids_are_rejected(device):
    worker = device("worker")
    results = sync(worker, change(colour="blue"), change(id="not-a-uuid"),
                   change(base_version=-1), change(case_reference="<script>alert(1)</script>"))
    assert [r["result"] for r in results] == ["rejected"] * 4
    assert "colour" in results[0]["errors"]
    assert "id" in results[1]["errors"]
    assert "base_version" in results[2]["errors"]
    assert "case_reference" in results[3]["errors"]


def test_script_in_free_text_is_stored_as_text(device):
    worker = device("worker")
    note = '<img src=x onerror="alert(1)"> & </textarea>'
    result, = sync(worker, change(notes=note, answers={"worker_assessment": note}))
    assert result["result"] == "applied"
    fetched = worker.get(f"/api/concerns/{result['id']}").json
    assert fetched["notes"] == note and fetched["answers"]["worker_assessment"] == note


def test_sync_needs_csrf_and_changes_nothing_without_it(app, device):
    worker = device("worker")
    item = change()
    for token in (None, "forged-token"):
        headers = {"X-CSRFToken": token} if token else {}
        response = worker.client.post("/api/sync", json={"changes": [item]},
                                      headers={**worker.without_csrf(), **headers})
        assert response.status_code == 403
        assert response.json["error"]["code"] == "csrf_failed"
    assert count(app, Concern) == 0


def test_sync_needs_a_signed_in_author(device):
    assert device().post("/api/sync", {"changes": [change()]}).status_code in (401, 403)
    manager = device("manager")
    assert manager.post("/api/sync", {"changes": [change()]}).status_code == 403


def test_a_batch_has_bounds(device):
    worker = device("worker")
    assert worker.post("/api/sync", {"changes": []}).status_code == 422
    assert worker.post("/api/sync", {"changes": [change() for _ in range(51)]}).status_code == 422


def test_a_deactivated_users_queued_changes_are_refused_clearly(app, device):
    from backend.accounts.service import deactivate
    worker = device("worker")
    with app.app_context():
        deactivate("worker")
        db.session.commit()
    response = worker.post("/api/sync", {"changes": [change()]})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "account_deactivated"
    assert count(app, Concern) == 0


def test_changes_since_a_cursor(app, device):
    app.config["SYNC_CURSOR_SETTLE_SECONDS"] = 0
    worker, manager = device("worker"), device("manager")
    first, = sync(worker, change(status="submitted", answers={"case_reference": "CR-1"}))
    listing = worker.get("/api/concerns").json
    assert [c["id"] for c in listing["concerns"]] == [first["id"]]
    cursor = listing["cursor"]
    assert worker.get(f"/api/concerns?since={cursor}").json["concerns"] == []
    # A manager's acknowledgement is a change the author's device picks up.
    assert manager.post(f"/api/concerns/{first['id']}/acknowledge", {}).status_code == 200
    later = worker.get(f"/api/concerns?since={cursor}").json
    assert [c["status"] for c in later["concerns"]] == ["acknowledged"]
    assert later["cursor"] > cursor


def test_the_cursor_does_not_pass_changes_that_may_not_have_settled(app, device):
    # A change younger than the settle time is sent, and sent again next time, so a
    # lower id that commits late on PostgreSQL can never be skipped.
    app.config["SYNC_CURSOR_SETTLE_SECONDS"] = 3600
    worker = device("worker")
    first, = sync(worker, change())
    listing = worker.get("/api/concerns").json
    assert [c["id"] for c in listing["concerns"]] == [first["id"]]
    assert listing["cursor"] == 0
    assert [c["id"] for c in worker.get("/api/concerns?since=0").json["concerns"]] == [first["id"]]


def test_long_change_lists_come_in_pages(app, device, monkeypatch):
    from backend.concerns import views
    monkeypatch.setattr(views, "PAGE", 3)
    app.config["SYNC_CURSOR_SETTLE_SECONDS"] = 0
    worker = device("worker")
    ids = {r["id"] for r in sync(worker, *[change() for _ in range(7)])}
    seen, cursor, pages = set(), 0, 0
    while True:
        page = worker.get(f"/api/concerns?since={cursor}").json
        seen |= {c["id"] for c in page["concerns"]}
        cursor, pages = page["cursor"], pages + 1
        if not page["more"]:
            break
    assert seen == ids and pages == 3
