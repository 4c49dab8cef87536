"""Is this a real push service? Checked when a subscription is stored and again at send time.

A push endpoint is a URL the server will POST to, chosen by a browser — that is, by
whoever holds a session. Unchecked, it would let a user make the server call anything
it can reach (SSRF). So: https, a host on the allowlist of push services, no IP
literals, no credentials, the default port, and at send time every address the host
resolves to must be a public one (see transport.py). The only exception is the test
configuration's loopback receiver (PUSH_TEST_RECEIVER, refused outside TESTING).
"""
import ipaddress
from urllib.parse import urlsplit

TEST_RECEIVER_HOST = "127.0.0.1"


class EndpointRefused(ValueError):
    """The endpoint (or an address it resolves to) is not a push service's."""


def host_allowed(host: str, allowlist) -> bool:
    host = host.lower().rstrip(".")
    for entry in allowlist:
        if entry.startswith("*."):
            # "*.push.apple.com" matches "api.push.apple.com", not "push.apple.com"
            # and never "evilpush.apple.com".
            if host.endswith(entry[1:]) and len(host) > len(entry) - 1:
                return True
        elif host == entry:
            return True
    return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        # Also refuse the shorthand forms browsers and libc accept (0x7f.1, 2130706433).
        return host.replace(".", "").isdigit() or host.lower().startswith("0x")
    return True


def check(url: str, allowlist, test_receiver: bool = False) -> str:
    """Return the endpoint's host, or raise EndpointRefused saying why."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise EndpointRefused("The endpoint is not a valid URL.") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise EndpointRefused("The endpoint has no host.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise EndpointRefused("The endpoint may not carry credentials.")
    if parts.fragment:
        raise EndpointRefused("The endpoint may not have a fragment.")
    if test_receiver and host == TEST_RECEIVER_HOST and parts.scheme in ("http", "https"):
        return host
    if parts.scheme != "https":
        raise EndpointRefused("The endpoint must use https.")
    if _is_ip_literal(host):
        raise EndpointRefused("The endpoint must name a push service, not an IP address.")
    if port not in (None, 443):
        raise EndpointRefused("The endpoint must use the default https port.")
    if not host_allowed(host, allowlist):
        raise EndpointRefused(f"{host} is not a known push service.")
    return host


def check_address(address: str, test_receiver: bool = False) -> None:
    """Refuse an address that is not on the public internet (run on every resolved address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if test_receiver and ip == ipaddress.ip_address(TEST_RECEIVER_HOST):
        return
    if not ip.is_global or ip.is_multicast:
        raise EndpointRefused(f"The push service resolved to a non-public address ({ip}).")
