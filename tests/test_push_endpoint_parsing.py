"""The push allowlist holds against URL-parser differences and IPv6 forms that carry an IPv4 address.

`https://attacker.example\\.notify.windows.com/w/` was a notify.windows.com URL to
urllib.parse and a request to attacker.example for requests/urllib3 (what pywebpush sends
with). IPv6 addresses such as 64:ff9b::7f00:1 (NAT64) or 2002:7f00:1:: (6to4) count as
"global" to Python's ipaddress although they deliver to 127.0.0.1.
"""
import socket

import pytest
from requests.models import PreparedRequest
from urllib3.util import connection as urllib3_connection
from urllib3.util import parse_url

from backend.config import PUSH_SERVICES
from backend.push import delivery, endpoints, keys
from backend.push.transport import PushSession
from tests.push_support import push_app, receiver  # noqa: F401
from tests.test_push_subscriptions import body, stored

ALLOWLIST = PUSH_SERVICES.split(",")

TRICKS = [
    "https://attacker.example\\.notify.windows.com/w/",       # the reported bypass
    "https://attacker.example\\@fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com\\@attacker.example/x",
    "https://attacker.example%5C.notify.windows.com/w/",      # the same, escaped
    "https://%66cm.googleapis.com/fcm/send/x",                # escape in the host
    "https://fcm.googleapis.com%2F@attacker.example/x",
    "https://fcm.googleapis.com /fcm/send/x",                 # whitespace
    "https://fcm.googleapis.com\t/fcm/send/x",
    "https://fcm.googleapis.com/fcm/send/x\n",
    " https://fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com/fcm/send/a b",
    "https://fcm.googleapis.com/fcm/send/x%zz",               # a % that is not an escape
    "https://@fcm.googleapis.com/fcm/send/x",                 # empty userinfo
    "https://:@fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com:0443/fcm/send/x",             # unusual port spellings
    "https://fcm.googleapis.com:/fcm/send/x",
    "https://fcm.googleapis.com:443:443/fcm/send/x",
    "https://fcm.googleapis.com./fcm/send/x",                 # trailing dot
    "https://FCM.googleapis.com/fcm/send/x",                  # browsers send hosts lowercased
    "HTTPS://fcm.googleapis.com/fcm/send/x",
    "https:/fcm.googleapis.com/fcm/send/x",
    "https:///fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com\u3002com/x",                  # ideographic full stop
    "https://ｆｃｍ.googleapis.com/fcm/send/x",                 # full-width letters
    "https://fcm.googleapis.com/fcm/send/x#fragment",
]

EMBEDDED_IPV4_LITERALS = [
    "https://[::ffff:127.0.0.1]/push/x",        # IPv4-mapped
    "https://[::ffff:7f00:1]/push/x",
    "https://[64:ff9b::7f00:1]/push/x",         # NAT64 well-known prefix
    "https://[64:ff9b::169.254.169.254]/push/x",
    "https://[2002:7f00:1::]/push/x",           # 6to4
    "https://[::127.0.0.1]/push/x",             # IPv4-compatible (deprecated)
]


@pytest.mark.parametrize("endpoint", TRICKS + EMBEDDED_IPV4_LITERALS)
def test_parser_tricks_and_embedded_ipv4_endpoints_are_422_and_nothing_stored(app, device, endpoint):
    response = device("manager").post("/api/push/subscriptions", body(endpoint))
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_failed" and list(error["fields"]) == ["endpoint"]
    assert stored(app) == 0


def test_a_windows_endpoint_with_its_percent_encoded_token_is_accepted(app, device):
    endpoint = "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2bOJg%2fq%3d%3d"
    response = device("manager").post("/api/push/subscriptions", body(endpoint))
    assert response.status_code == 200, response.json
    assert stored(app) == 1


@pytest.mark.parametrize("endpoint", TRICKS + [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH",
    "https://fcm.googleapis.com:443/fcm/send/x",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2bOJg%3d%3d",
])
def test_an_accepted_endpoint_is_where_the_sending_library_connects(endpoint):
    try:
        host = endpoints.check(endpoint, ALLOWLIST)
    except endpoints.EndpointRefused:
        return
    prepared = PreparedRequest()
    prepared.prepare_url(endpoint, None)  # exactly what requests (and so pywebpush) sends to
    sent = parse_url(prepared.url)
    assert (sent.scheme, sent.host, sent.port or 443, sent.auth) == ("https", host, 443, None)


def _message(receiver, endpoint):
    subscription = receiver.subscription("x")
    return delivery.Message(job_id=1, lease_token="t", subscription_id=1, endpoint=endpoint,
                            p256dh=subscription["keys"]["p256dh"],
                            auth=subscription["keys"]["auth"], payload="{}", topic="t")


def _send_resolving_to(push_app, receiver, monkeypatch, address, endpoint=None):
    """Send to an allowlisted name while DNS (faked: no resolver here) answers `address`."""
    connected = []
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (family, socket.SOCK_STREAM, 6, "", (address, port))])

    def refuse(address_port, *args, **kwargs):
        connected.append(address_port)
        raise ConnectionRefusedError("nothing listens here")

    monkeypatch.setattr(urllib3_connection, "create_connection", refuse)
    settings = delivery.Settings(
        vapid=keys.load(push_app.config["VAPID_PRIVATE_KEY_FILE"]), subject="mailto:a@example.org",
        ttl=60, timeout=1.0, allowed_hosts=tuple(ALLOWLIST), test_receiver=False)
    message = _message(receiver, endpoint or "https://fcm.googleapis.com/fcm/send/x")
    with PushSession(test_receiver=False) as session:
        return delivery.send(message, settings, session), connected


@pytest.mark.parametrize("address", [
    "::ffff:127.0.0.1", "::ffff:10.0.0.8", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a00:8", "2002:7f00:1::1", "2002:a00:8::", "::127.0.0.1", "::10.0.0.8",
])
def test_a_push_host_resolving_to_an_embedded_private_ipv4_is_refused_at_send_time(
        push_app, receiver, monkeypatch, address):
    outcome, connected = _send_resolving_to(push_app, receiver, monkeypatch, address)
    assert outcome.result == "failed" and address in outcome.error
    assert connected == []


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2607:f8b0:4004:c07::5f", "8.8.8.8"])
def test_public_addresses_including_nat64_of_a_public_ipv4_are_still_connected_to(
        push_app, receiver, monkeypatch, address):
    # An IPv6-only server behind DNS64 sees every IPv4-only push service as 64:ff9b::/96.
    outcome, connected = _send_resolving_to(push_app, receiver, monkeypatch, address)
    assert [a for a, _ in connected] == [address]
    assert outcome.result == "retry"  # the connection was refused, so it is tried again later


def test_an_endpoint_stored_before_the_check_was_tightened_is_refused_at_send_time(
        push_app, receiver, monkeypatch):
    outcome, connected = _send_resolving_to(
        push_app, receiver, monkeypatch, "8.8.8.8",
        endpoint="https://attacker.example\\.notify.windows.com/w/")
    assert outcome.result == "failed" and "backslash" in outcome.error
    assert connected == []
