"""A local Web Push receiver and the fixtures the push tests share.

The receiver is a real HTTP server on 127.0.0.1 that plays a push service: it holds
the private ECDH key and auth secret of every subscription it hands out (generated
here, as a browser would), decrypts each message with http_ece exactly as a browser
does, and answers with whatever status the test scripts. Plain http on loopback is
the one thing mocked — a push service with a trusted TLS certificate cannot exist
here — and the app accepts it only under PUSH_TEST_RECEIVER, which create_app refuses
unless TESTING is set.
"""
import base64
import collections
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from requests.structures import CaseInsensitiveDict
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from backend import create_app
from backend.extensions import db
from tests.conftest import DEMO_PASSWORD, ApiClient, base_config
from tests.waiting import DEADLINE


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Received:
    """One request as the receiver saw it."""

    def __init__(self, name, headers, body, plaintext, status, at):
        self.name, self.headers, self.body = name, headers, body
        self.plaintext, self.status, self.at = plaintext, status, at

    @property
    def message(self) -> dict:
        return json.loads(self.plaintext)


class Receiver:
    """Subscriptions at http://127.0.0.1:<port>/push/<name>; `script(name, 500, 201)` sets answers."""

    def __init__(self):
        self.keys: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}
        self.answers: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.release = threading.Event()  # lets "hang" handlers go at shutdown
        self.arrived = threading.Condition(self.lock)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def subscription(self, name: str, label: str = "") -> dict:
        """A fresh subscription as PushSubscription.toJSON() gives it, keys generated here."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.keys[name] = (key, auth)
        point = key.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
        body = {"endpoint": f"{self.origin}/push/{name}", "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(auth)}}
        if label:
            body["device_label"] = label
        return body

    def script(self, name: str, *answers):
        """Answers for the next requests to `name`: a status, ("redirect", url) or "hang"."""
        self.answers[name].extend(answers)

    def for_name(self, name: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.name == name]

    def wait_for(self, count: int, timeout: float = DEADLINE) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the tests report what matters
                pass

            def do_POST(self):
                name = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    queue = receiver.answers.get(name)
                    answer = queue.popleft() if queue else 201
                if answer == "hang":
                    receiver.release.wait(60)  # never answers while the test runs
                    self.close_connection = True  # released: hang up, so the sender stops waiting
                    return
                plaintext = None
                if answer == 201 and name in receiver.keys:
                    key, auth = receiver.keys[name]
                    plaintext = http_ece.decrypt(body, private_key=key, auth_secret=auth,
                                                 version="aes128gcm").decode()
                record = Received(name, CaseInsensitiveDict(self.headers.items()), body, plaintext,
                                  answer if isinstance(answer, int) else 301, time.time())
                with receiver.arrived:
                    receiver.received.append(record)
                    receiver.arrived.notify_all()
                if isinstance(answer, tuple):
                    self.send_response(301)
                    self.send_header("Location", answer[1])
                else:
                    self.send_response(answer)
                    if answer == 429:
                        self.send_header("Retry-After", "120")
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler


def verify_vapid(authorization: str) -> tuple[dict, str]:
    """Check a `vapid t=<jwt>,k=<key>` header's ES256 signature; return (claims, k)."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    assert json.loads(unb64url(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    signature = unb64url(signature_b64)
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    try:
        public.verify(encode_dss_signature(r, s), f"{header_b64}.{claims_b64}".encode(),
                      ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID JWT signature does not verify") from None
    return json.loads(unb64url(claims_b64)), parts["k"]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def push_app(app, demo_users, tmp_path):
    """The app in the test configuration that accepts the loopback receiver, with its own key."""
    config = {**base_config(app.config["SQLALCHEMY_DATABASE_URI"]),
              "PUSH_TEST_RECEIVER": True, "VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
              "VAPID_SUBJECT": "mailto:duty-desk@example.org",
              # Long enough for a loaded machine to answer a real send; the one test that waits a
              # silent receiver out pays it once.
              "PUSH_SEND_TIMEOUT": 5.0}
    test_app = create_app(config)
    result = test_app.test_cli_runner().invoke(args=["push", "init"])
    assert result.exit_code == 0, result.output
    yield test_app
    with test_app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def signed_in(push_app):
    """signed_in("manager") -> an ApiClient of push_app, signed in."""
    def make(username):
        api = ApiClient(push_app.test_client())
        response = api.login(username, DEMO_PASSWORD)
        assert response.status_code == 200, response.json
        return api
    return make


def urgent_change(concern_id: str, case_reference: str = "CR-1") -> dict:
    """A submitted concern about a specific child: urgent under the procedure's rules."""
    import uuid
    return {"id": concern_id, "change_id": str(uuid.uuid4()), "base_version": 0,
            "case_reference": case_reference, "procedure": "child-abuse-and-the-internet",
            "procedure_version": "10", "notes": "Seen at home visit",
            "answers": {"case_reference": case_reference, "concern_specific_child": True},
            "status": "submitted"}
