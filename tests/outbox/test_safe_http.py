"""safe_http against real local servers: TLS to a host name while connecting to the checked
IP (SNI, certificate and Host header keep the name), refusals after resolution."""

import datetime as dt
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from civitas.core.outbox import safe_http

LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        sni = getattr(self.connection, "civitas_sni", None)
        self.server.received.append((self.headers["Host"], body, sni))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _certificate(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def tls_server(tmp_path):
    cert_file, key_file = _certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    seen = []

    def remember_sni(sock, server_name, _context):
        seen.append(server_name)

    context.sni_callback = remember_sni
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.received, server.sni, server.ca = [], seen, str(cert_file)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_tls_to_the_name_connects_to_the_checked_ip(tls_server):
    url = f"https://localhost:{tls_server.server_port}/hook"
    response = safe_http.post(url, data=b"{}", allowed=LOOPBACK, verify=tls_server.ca)
    assert response.status_code == 204
    [(host, body, _sni)] = tls_server.received
    assert host == f"localhost:{tls_server.server_port}" and body == b"{}"
    assert tls_server.sni == ["localhost"]  # SNI is the name, not the IP


def test_refused_after_resolution_without_the_allowlist(tls_server):
    url = f"https://localhost:{tls_server.server_port}/hook"
    with pytest.raises(safe_http.InternalAddressError) as caught:
        safe_http.post(url, data=b"{}", allowed=(), verify=tls_server.ca)
    assert "127.0.0.1" in str(caught.value)
    assert tls_server.received == [] and tls_server.sni == []  # no connection at all


def test_check_url_at_save_time():
    with pytest.raises(ValueError):
        safe_http.check_url("https://localhost/hook", allowed=())
    with pytest.raises(ValueError):
        safe_http.check_url("http://[::ffff:169.254.169.254]/", allowed=())
    safe_http.check_url("https://localhost/hook", allowed=LOOPBACK)
    safe_http.check_url("https://203.0.114.7/hook", allowed=())  # public
    safe_http.check_url("https://unresolvable.invalid/hook", allowed=())  # checked at connect
