"""HTTP requests to addresses typed by users (webhook targets), without reaching the
platform's own network.

An address is *internal* when it is loopback, private (RFC 1918), shared (100.64/10),
link-local (169.254/16, including the cloud metadata address 169.254.169.254), multicast,
reserved or unspecified, and the IPv6 equivalents (::1, fe80::/10, unique-local fc00::/7),
including IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64
64:ff9b::/96, 6to4, Teredo). Anything that is not a public (global) address is internal.

Two checks:

- `check_url(url)` when the address is saved (form validation): literal IPs and host names
  that resolve to an internal address are refused with a clear message;
- `post(url, ...)` when connecting: the host name is resolved once, *every* address is
  checked, and the socket connects to a checked address itself (the TLS SNI, the
  certificate check and the Host header keep the host name), so a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot reach an internal address.
  Proxies from the environment are ignored and redirects are not followed.

An on-premises receiver (a CRM on the internal network) is allowed by listing its network
in CIVITAS_WEBHOOK_ALLOWED_NETWORKS (settings or environment, comma-separated CIDR blocks,
e.g. "10.20.0.0/16,fd00:1::/64"): see `allowed_networks()`.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlsplit

import environ
import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

_env = environ.Env()
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")
ALLOWED_SETTING = "CIVITAS_WEBHOOK_ALLOWED_NETWORKS"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class InternalAddressError(requests.ConnectionError):
    """The target resolves to an internal address that is not allowed."""


class _Blocked(NewConnectionError):
    """Raised inside urllib3; post() turns it into InternalAddressError."""

    def __init__(self, conn, message: str) -> None:
        super().__init__(conn, message)
        self.message = message


def allowed_networks() -> tuple[Network, ...]:
    """CIVITAS_WEBHOOK_ALLOWED_NETWORKS from the settings, else the environment."""
    if hasattr(settings, ALLOWED_SETTING):
        value = getattr(settings, ALLOWED_SETTING)
    else:
        value = _env.str(ALLOWED_SETTING, default="")
    if isinstance(value, str):
        value = value.split(",")
    values = [str(v).strip() for v in value]
    return tuple(ipaddress.ip_network(v, strict=False) for v in values if v)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_internal(ip) -> bool:
    """True unless `ip` is a public (global unicast) address."""
    ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return True
        inner = _embedded_ipv4(ip)
        if inner is not None and is_internal(inner):
            return True
    if ip.version == 4 and ip in _SHARED:
        return True
    return (
        not ip.is_global
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def is_allowed(ip, allowed=None) -> bool:
    ip = ipaddress.ip_address(ip)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        candidates = (ip, ip.ipv4_mapped)
    else:
        candidates = (ip,)
    allowed = allowed_networks() if allowed is None else allowed
    if any(c.version == n.version and c in n for c in candidates for n in allowed):
        return True
    return not is_internal(ip)


def _refusal(host: str, ip) -> str:
    return _(
        "%(host)s is an internal address (%(ip)s): notifications can only be sent to a "
        "public address. An administrator can allow an internal network with the "
        "CIVITAS_WEBHOOK_ALLOWED_NETWORKS setting."
    ) % {"host": host, "ip": ip}


def resolve(host: str, port: int, allowed=None) -> list[tuple[int, tuple]]:
    """Every address of `host` as (family, sockaddr); raises _Blocked naming the first one
    that is internal and not allowed (socket.gaierror when the name does not resolve)."""
    host = host.strip("[]")
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    out = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = sockaddr[0].split("%", 1)[0]
        if family == socket.AF_INET6 and sockaddr[3]:
            address = f"{address}%{sockaddr[3]}"  # a scope id: link-local
        if not is_allowed(address, allowed):
            raise _Blocked(None, _refusal(host, sockaddr[0]))
        out.append((family, sockaddr))
    if not out:
        raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
    return out


def check_url(url: str, allowed=None) -> None:
    """Save-time check of a target address; raises ValueError with a message for the user.

    A host name that does not resolve now is accepted (it is checked again at every
    connection)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ValueError(_("This address is not valid.")) from exc
    if not host:
        raise ValueError(_("This address is not valid."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        resolve(host, port, allowed)
    except _Blocked as exc:
        raise ValueError(exc.message) from None
    except (OSError, UnicodeError):
        return


# --- The guarded connection ------------------------------------------------------------


class _Guarded:
    """urllib3 connection that resolves and checks the host itself, then connects to the
    checked address (SNI, certificate and Host header still use the host name)."""

    allowed: tuple = ()

    def _new_conn(self):
        try:
            addresses = resolve(self._dns_host, self.port, self.allowed)
        except socket.gaierror:
            return super()._new_conn()  # urllib3 reports the resolution error itself
        error = None
        for family, sockaddr in addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if isinstance(self.timeout, int | float):
                    sock.settimeout(self.timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                error = exc
                sock.close()
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


def _session(allowed) -> requests.Session:
    allowed = tuple(allowed)
    http_conn = type("GuardedHTTPConnection", (_Guarded, HTTPConnection), {"allowed": allowed})
    https_conn = type("GuardedHTTPSConnection", (_Guarded, HTTPSConnection), {"allowed": allowed})
    pools = {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: it would skip the check
    # ... but the CA bundle an operator set for an internal PKI is still used.
    session.verify = (
        os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    )
    adapter = Adapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(
    url: str, *, data=None, headers=None, timeout=10, allowed=None, verify=None
) -> requests.Response:
    """POST without following redirects, refusing internal addresses after resolution
    (InternalAddressError); other failures raise requests.RequestException. `verify`: a CA
    bundle path (default: REQUESTS_CA_BUNDLE, else the system's)."""
    allowed = allowed_networks() if allowed is None else allowed
    with _session(allowed) as session:
        if verify is not None:
            session.verify = verify
        try:
            return session.post(
                url, data=data, headers=headers, timeout=timeout, allow_redirects=False
            )
        except requests.ConnectionError as exc:
            reason = exc.args[0] if exc.args else None
            reason = getattr(reason, "reason", reason)
            if isinstance(reason, _Blocked):
                raise InternalAddressError(reason.message) from None
            raise
