"""An HTTP session for push sends: no redirects, no proxies, and no connection to a private address.

The address check happens where the socket is opened, on the addresses actually
connected to, so a DNS answer that changes between a check and the connection
(DNS rebinding) cannot slip a private address through. TLS still verifies the
certificate against the host name.
"""
import socket

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

from .endpoints import check_address


def _guarded(base, test_receiver: bool):
    class GuardedConnection(base):
        def _new_conn(self) -> socket.socket:
            try:
                infos = socket.getaddrinfo(self._dns_host, self.port, type=socket.SOCK_STREAM)
            except socket.gaierror as err:
                raise NameResolutionError(self.host, self, err) from err
            addresses = [info[4][0] for info in infos]
            # Every address must be public, not only the first: otherwise a name with
            # one public and one private address would be a coin toss.
            for address in addresses:
                check_address(address, test_receiver)
            last_error: OSError | None = None
            for address in addresses:
                try:
                    return urllib3_connection.create_connection(
                        (address, self.port), self.timeout, source_address=self.source_address,
                        socket_options=self.socket_options)
                except TimeoutError as err:
                    raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from err
                except OSError as err:
                    last_error = err
            raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")

    return GuardedConnection


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, test_receiver: bool):
        self._pools = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,),
                         {"ConnectionCls": _guarded(HTTPConnection, test_receiver)}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,),
                          {"ConnectionCls": _guarded(HTTPSConnection, test_receiver)}),
        }
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


class PushSession(requests.Session):
    """requests.Session that never follows a redirect (a push service does not redirect)."""

    def __init__(self, test_receiver: bool = False):
        super().__init__()
        self.trust_env = False  # an environment proxy would bypass the address check
        adapter = _GuardedAdapter(test_receiver)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method, url, **kwargs):
        kwargs["allow_redirects"] = False
        return super().request(method, url, **kwargs)
