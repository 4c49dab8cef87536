"""An issuer with a trailing "/" (Auth0's form) is now kept as the provider states it. People
and provider sessions stored before, under the issuer without its slash, are still found: the
same person signs in as the same SafeVisit user (not a new one), and a back-channel logout
still ends their sessions."""
from sqlalchemy import func, select

from backend.accounts.models import Team, User
from backend.extensions import db
from backend.sso import logout, people
from backend.sso.models import SsoIdentity, SsoSession

STATED = "https://tenant.eu.auth0.com/"
STORED_BEFORE = "https://tenant.eu.auth0.com"


def _stored_the_old_way(username: str) -> int:
    user = db.session.scalar(select(User).filter_by(username=username))
    db.session.add(SsoIdentity(user_id=user.id, issuer=STORED_BEFORE, subject=f"auth0|{username}"))
    db.session.add(SsoSession(user_id=user.id, issuer=STORED_BEFORE, sid=f"sid-{username}"))
    db.session.commit()
    return user.id


def test_forms_are_the_stated_issuer_first_then_without_its_slash():
    assert people.issuer_forms(STATED) == [STATED, STORED_BEFORE]
    assert people.issuer_forms(STORED_BEFORE) == [STORED_BEFORE]


def test_a_person_stored_before_signs_in_as_the_same_user_and_is_stored_as_stated(app, demo_users):
    with app.app_context():
        uid = _stored_the_old_way("worker")
        users_before = db.session.scalar(select(func.count(User.id)))
        user = db.session.get(User, uid)
        team = db.session.get(Team, user.team_id)
        signed_in = people.upsert(STATED, {"sub": "auth0|worker", "name": "Ada"}, user.role, team)
        db.session.commit()
        assert signed_in.id == uid
        assert db.session.scalar(select(func.count(User.id))) == users_before
        assert db.session.scalars(select(SsoIdentity.issuer).filter_by(user_id=uid)).all() == [STATED]


def test_a_back_channel_logout_ends_the_sessions_of_a_person_stored_before(app, demo_users):
    app.config["OIDC_ISSUER"] = STATED
    with app.app_context():
        uid = _stored_the_old_way("worker")
        epoch = db.session.get(User, uid).session_epoch
        with app.test_request_context():
            assert logout.end_sessions({"sub": "auth0|worker"}) == 1
        db.session.commit()
        assert db.session.get(User, uid).session_epoch > epoch
    with app.app_context():
        uid2 = _stored_the_old_way("carer")
        with app.test_request_context():
            assert logout.end_sessions({"sid": "sid-carer"}) == 1  # by the provider's session id
        db.session.commit()
        assert db.session.scalar(select(func.count(SsoSession.id)).filter_by(user_id=uid2)) == 0
