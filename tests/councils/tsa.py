"""A local RFC 3161 timestamp authority for tests: OpenSSL's `ts` command behind a tiny
HTTP server in a thread."""

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


class LocalTSA:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="tsa-"))
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                self.dir / "tsa.key",
                "-out",
                self.dir / "tsa.crt",
                "-subj",
                "/CN=Civitas test TSA",
                "-days",
                "2",
                "-addext",
                "extendedKeyUsage=critical,timeStamping",
            ],
            check=True,
            capture_output=True,
        )
        (self.dir / "serial").write_text("01\n")
        (self.dir / "ts.cnf").write_text(CONFIG.format(dir=self.dir))
        self.requests = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                query = self.rfile.read(int(self.headers["Content-Length"]))
                tsa.requests += 1
                qfile = tsa.dir / f"q{tsa.requests}.tsq"
                rfile = tsa.dir / f"r{tsa.requests}.tsr"
                qfile.write_bytes(query)
                subprocess.run(
                    [
                        "openssl",
                        "ts",
                        "-reply",
                        "-config",
                        tsa.dir / "ts.cnf",
                        "-queryfile",
                        qfile,
                        "-out",
                        rfile,
                    ],
                    check=True,
                    capture_output=True,
                )
                body = rfile.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
