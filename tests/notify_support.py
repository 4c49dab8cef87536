"""A local stand-in for GOV.UK Notify, for the SMS tests.

The real Notify API is not reachable from here, so this is a real HTTP server on 127.0.0.1
that implements the one call SafeVisit's client (the official notifications-python-client)
makes: POST /v2/notifications/sms. Like Notify it checks the bearer JWT the client signs
with the API key's secret (HS256, `iss` the service id, `iat` within 30 seconds), checks the
body's required fields, and answers 201 with a notification id — or whatever status a test
scripts. Each request is kept so tests can read exactly what would have reached Notify.
"""
import collections
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from backend import create_app
from backend.extensions import db
from tests.conftest import DEMO_PASSWORD, ApiClient, base_config

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"safevisit_test-{SERVICE_ID}-{SECRET}"  # Notify's key format: name-service id-secret
TEMPLATE_ID = str(uuid.uuid4())
PUBLIC_URL = "https://safevisit.example.org"


class Sms:
    """One request as the stand-in saw it."""

    def __init__(self, path, headers, body, status, claims):
        self.path, self.headers, self.body, self.status, self.claims = path, headers, body, status, claims

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class NotifyReceiver:
    def __init__(self):
        self.received: list[Sms] = []
        self.answers = collections.deque()
        self.arrived = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def script(self, *statuses: int):
        """Statuses for the next requests (201 after they run out)."""
        self.answers.extend(statuses)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Sms]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def codes(self) -> list[str]:
        """The verification codes texted so far, in order."""
        return [r.json["personalisation"]["message"].split("code is ")[1][:6]
                for r in self.received if "code is" in r.json["personalisation"]["message"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                claims, status = None, None
                scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"],
                                        options={"require": ["iss", "iat"], "verify_iat": False})
                    if claims["iss"] != SERVICE_ID or abs(time.time() - claims["iat"]) > 30:
                        status = 403
                except jwt.PyJWTError:
                    status = 403
                if scheme != "Bearer":
                    status = 403
                if status is None and self.path != "/v2/notifications/sms":
                    status = 404
                if status is None:
                    data = json.loads(body or b"{}")
                    if not {"phone_number", "template_id"} <= set(data):
                        status = 400
                with receiver.arrived:
                    status = status or (receiver.answers.popleft() if receiver.answers else 201)
                    receiver.received.append(Sms(self.path, dict(self.headers.items()), body, status, claims))
                    receiver.arrived.notify_all()
                if status == 201:
                    data = json.loads(body)
                    notification = str(uuid.uuid4())
                    self._answer(201, {
                        "id": notification, "reference": data.get("reference"),
                        "content": {"body": "…", "from_number": "GOVUK"},
                        "uri": f"{receiver.url}/v2/notifications/{notification}",
                        "template": {"id": data["template_id"], "version": 1,
                                     "uri": f"{receiver.url}/v2/template/{data['template_id']}"}})
                else:
                    self._answer(status, {"status_code": status, "errors": [
                        {"error": "BadRequestError" if status == 400 else "Error",
                         "message": f"scripted {status}"}]})

        return Handler


@pytest.fixture
def notify():
    server = NotifyReceiver()
    yield server
    server.close()


def sms_config(notify_url: str) -> dict:
    return {"NOTIFY_API_KEY": API_KEY, "NOTIFY_SMS_TEMPLATE_ID": TEMPLATE_ID,
            "NOTIFY_BASE_URL": notify_url, "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def sms_app(app, demo_users, tmp_path, notify):
    """push_app (tests/push_support.py) with SMS on, pointed at the local Notify stand-in."""
    config = {**base_config(app.config["SQLALCHEMY_DATABASE_URI"]),
              "PUSH_TEST_RECEIVER": True, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
              "VAPID_SUBJECT": "mailto:duty-desk@example.org", "PUSH_SEND_TIMEOUT": 5.0,
              **sms_config(notify.url)}
    test_app = create_app(config)
    result = test_app.test_cli_runner().invoke(args=["push", "init"])
    assert result.exit_code == 0, result.output
    yield test_app
    with test_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sms_signed_in(sms_app):
    def make(username):
        api = ApiClient(sms_app.test_client())
        response = api.login(username, DEMO_PASSWORD)
        assert response.status_code == 200, response.json
        return api
    return make


def verify_mobile(api, notify, number="07700 900123") -> None:
    """Set the number, read the code from the texted message, type it in."""
    before = len(notify.received)
    response = api.post("/api/sms/mobile", {"number": number})
    assert response.status_code == 200, response.json
    notify.wait_for(before + 1)
    response = api.post("/api/sms/mobile/verify", {"code": notify.codes()[-1]})
    assert response.status_code == 200 and response.json["verified"], response.json
