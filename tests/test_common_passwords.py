"""A password chosen with a setup code, or set by an administrator on the server, is refused
when it is on the list of common and breached passwords shipped with Django (read as a file,
nothing fetched): a 422 naming the field, which changes nothing and does not spend the code."""
import gzip
import importlib.util
from pathlib import Path

from sqlalchemy import select

from backend.accounts import common_passwords
from backend.accounts.models import User
from backend.audit.models import AuditEvent
from backend.extensions import db
from tests.conftest import DEMO_PASSWORD, ApiClient
from tests.test_setup_codes import issue, redeem

GOOD = "carer-chose-this-one"


def test_the_list_is_the_packaged_one_and_holds_the_obvious():
    path = common_passwords.list_path()
    assert path.is_file() and Path(importlib.util.find_spec("django").origin).parent in path.parents
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        assert common_passwords.size() == len({line.strip() for line in lines if line.strip()})
    assert common_passwords.size() > 19_000
    for common in ("password1234", "Password1234", " PASSWORD1234 ", "qwertyuiop12", "password123456"):
        assert common_passwords.is_common(common), common
    for fine in (GOOD, "violet-ferry-marble-ninety", DEMO_PASSWORD):
        assert not common_passwords.is_common(fine), fine


def test_a_common_password_with_a_setup_code_is_a_field_error_and_spends_nothing(app, device):
    code = issue(device("manager"), app)["code"]
    with app.app_context():
        before = db.session.scalar(select(User.password_hash).filter_by(username="carer"))
    # More refusals than the per-account limit (5 a minute): a 422 checked no code, so it is
    # not counted as a guess.
    for _ in range(7):
        response = redeem(app, "carer", code, "Password1234")
        assert response.status_code == 422, response.json
        assert response.json["error"]["fields"] == {"password": [common_passwords.MESSAGE]}
    with app.app_context():
        assert db.session.scalar(select(User.password_hash).filter_by(username="carer")) == before
        assert db.session.scalar(select(AuditEvent).filter_by(action="redeem_setup_code")) is None
    assert redeem(app, "carer", code, GOOD).status_code == 200
    assert ApiClient(app.test_client()).login("carer", GOOD).status_code == 200


def test_the_refusal_says_nothing_about_the_code(app, device):
    # The password is judged before the code: a wrong code and a right one get the same 422,
    # so a common password cannot be used to test codes without being counted.
    code = issue(device("manager"), app)["code"]
    right = redeem(app, "carer", code, "password1234")
    wrong = redeem(app, "carer", "ABCD-EFGH-JKLM-NPQR", "password1234")
    nobody = redeem(app, "nobody-here", "ABCD-EFGH-JKLM-NPQR", "password1234")
    assert right.status_code == wrong.status_code == nobody.status_code == 422
    def same(answer):
        return {k: v for k, v in answer.json["error"].items() if k != "request_id"}
    assert same(right) == same(wrong) == same(nobody)


def test_an_administrator_cannot_set_a_common_password_on_the_server(app, runner):
    result = runner.invoke(args=["users", "create", "newadmin", "--role", "admin", "--team", "North",
                                 "--password", "password1234"])
    assert result.exit_code != 0 and common_passwords.MESSAGE in result.output
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(username="newadmin")) is None
    result = runner.invoke(args=["users", "create", "newadmin", "--role", "admin", "--team", "North",
                                 "--password", "violet-ferry-marble-ninety"])
    assert result.exit_code == 0, result.output
    assert ApiClient(app.test_client()).login("newadmin", "violet-ferry-marble-ninety").status_code == 200
