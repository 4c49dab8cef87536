"""Whether a person is keyed to the organisation's identity provider (single sign-on).

Such a person has no local password: the provider decides who they are, and its logout ends
their sessions. So SafeVisit neither signs them in with a password nor issues them a setup code
(which would give them one). An admin who means to give them a local account unlinks them
first (backend/sso/unlink.py), which is audited.
"""
from sqlalchemy import select

from ..errors import ApiError
from ..extensions import db
from .credential_models import SsoIdentity
from .models import User

SIGNS_IN_AT_PROVIDER = ("{name} signs in with the organisation's account, so SafeVisit keeps no password "
                        "for them and issues no setup code. An admin can unlink the account from single "
                        "sign-on first if it must become a local one.")


def linked_to_provider(user: User) -> bool:
    return db.session.scalar(select(SsoIdentity.id).filter_by(user_id=user.id)) is not None


def refuse_if_linked(user: User) -> None:
    if linked_to_provider(user):
        raise ApiError(409, SIGNS_IN_AT_PROVIDER.format(name=user.display_name), "signs_in_with_organisation")
