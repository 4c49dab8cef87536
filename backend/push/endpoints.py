"""Is this a real push service? Checked when a subscription is stored and again at send time.

A push endpoint is a URL the server will POST to, chosen by a browser — that is, by
whoever holds a session. Unchecked, it would let a user make the server call anything
it can reach (SSRF). So: https, a host on the allowlist of push services, no IP
literals, no credentials, the default port, and at send time every address the host
resolves to must be a public one (see transport.py). The only exception is the test
configuration's loopback receiver (PUSH_TEST_RECEIVER, refused outside TESTING).

Parsers disagree about odd URLs: `https://evil.example\\.notify.windows.com/` is a
notify.windows.com URL to urllib.parse but a request to evil.example for urllib3, which
is what requests (and so pywebpush) sends with. So the URL must first have a plain shape
(`https://host[:443]/path`, printable ASCII, no backslash, no `%` before the path), and
then the sending library's own parse must agree with ours on scheme, host and port.
"""
import ipaddress
import re
from urllib.parse import urlsplit

from requests.exceptions import RequestException
from requests.models import PreparedRequest
from urllib3.util import parse_url

TEST_RECEIVER_HOST = "127.0.0.1"

# scheme://host[:port] then a path, query or the end. The host is DNS labels only: no
# userinfo, brackets, percent-escapes, backslashes or anything else an authority can hold.
_SHAPE = re.compile(r"(?P<scheme>[a-z]+)://(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*)"
                    r"(?::(?P<port>[1-9][0-9]{0,4}))?(?P<rest>[/?].*)?", re.ASCII)
# What may follow the authority: printable ASCII without backslash, and `%` only as an
# escape (WNS endpoints carry their token percent-encoded in the query).
_REST = re.compile(r"(?:[!-$&-\[\]-~]|%[0-9A-Fa-f]{2})*", re.ASCII)
# The well-known NAT64 prefix: its last 32 bits are the IPv4 address packets reach (RFC 6052).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215): a site's own translator, never a public destination.
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


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


def _as_sent(url: str) -> tuple[str | None, str | None, int | None, str | None]:
    """Scheme, host, port and userinfo as requests/urllib3 will use them to connect."""
    prepared = PreparedRequest()
    prepared.prepare_url(url, None)
    parts = parse_url(prepared.url)
    return parts.scheme, (parts.host or "").lower(), parts.port, parts.auth


def _parsed(url: str) -> tuple[str, str, int | None]:
    if not isinstance(url, str) or not url.isascii() or "\\" in url:
        raise EndpointRefused("The endpoint must be a plain https URL (printable ASCII, no backslash).")
    shape = _SHAPE.fullmatch(url)
    if shape is None:
        raise EndpointRefused("The endpoint must have the form https://host/path.")
    if not _REST.fullmatch(shape["rest"] or ""):
        raise EndpointRefused("The endpoint's path has characters a push service does not use.")
    if "#" in url:
        raise EndpointRefused("The endpoint may not have a fragment.")
    ours = urlsplit(url)
    try:
        sent = _as_sent(url)
        port = ours.port
    except (RequestException, ValueError):  # either library failing to parse it is a refusal
        raise EndpointRefused("The endpoint is not a valid URL.") from None
    if sent != (ours.scheme, (ours.hostname or "").lower(), port, None):
        raise EndpointRefused("The endpoint is read differently by different URL parsers.")
    return ours.scheme, ours.hostname.lower(), port


def check(url: str, allowlist, test_receiver: bool = False) -> str:
    """Return the endpoint's host, or raise EndpointRefused saying why."""
    authority = url.partition("//")[2].split("/", 1)[0].split("?", 1)[0] if isinstance(url, str) else ""
    if "@" in authority:
        raise EndpointRefused("The endpoint may not carry credentials.")
    scheme, host, port = _parsed(url)
    if test_receiver and host == TEST_RECEIVER_HOST and scheme in ("http", "https"):
        return host
    if scheme != "https":
        raise EndpointRefused("The endpoint must use https.")
    if _is_ip_literal(host):
        raise EndpointRefused("The endpoint must name a push service, not an IP address.")
    if port not in (None, 443):
        raise EndpointRefused("The endpoint must use the default https port.")
    if not host_allowed(host, allowlist):
        raise EndpointRefused(f"{host} is not a known push service.")
    return host


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and delivers to, if it is one of those forms."""
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d
        return ip.ipv4_mapped
    if ip.sixtofour is not None:  # 2002:AABB:CCDD::/48 (6to4)
        return ip.sixtofour
    if ip in _NAT64:  # 64:ff9b::a.b.c.d
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if int(ip) >> 32 == 0 and int(ip) > 1:  # ::a.b.c.d (deprecated IPv4-compatible)
        return ipaddress.IPv4Address(int(ip))
    return None


def check_address(address: str, test_receiver: bool = False) -> None:
    """Refuse an address that is not on the public internet (run on every resolved address).

    The one address check: transport.py runs it on what DNS answered, just before connecting.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _LOCAL_NAT64:
            raise EndpointRefused(f"The push service resolved to a local NAT64 address ({address}).")
        # Python calls 64:ff9b::7f00:1 and 2002:7f00:1:: "global": judge what they carry.
        ip = _embedded_ipv4(ip) or ip
    if test_receiver and ip == ipaddress.ip_address(TEST_RECEIVER_HOST):
        return
    if not ip.is_global or ip.is_multicast:
        raise EndpointRefused(f"The push service resolved to a non-public address ({address}).")
