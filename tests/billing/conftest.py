"""Local SOAP and HTTP test servers (real sockets, WSGI apps in threads): VIES, PayFiP and
the CCI shop answer from here, not from mocks."""

import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from lxml import etree

HERE = Path(__file__).parent
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True


class LocalServer:
    """A WSGI app served on 127.0.0.1:<free port> in a thread."""

    def __init__(self, app):
        self.httpd = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class SoapService:
    """Serves `wsdl_file` (its __ADDRESS__ replaced) and answers SOAP calls with
    `handler(operation, params) -> (response element namespace, [(name, value)...])` or
    raises `SoapFault(code)`. Every request body is kept in `self.calls`."""

    def __init__(self, wsdl_file, namespace, handler):
        self.wsdl = (HERE / wsdl_file).read_text()
        self.namespace = namespace
        self.handler = handler
        self.calls = []
        self.down = False
        self.server = LocalServer(self)
        self.wsdl_url = self.server.url + "/service?wsdl"

    def __call__(self, environ, start_response):
        if self.down:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"down"]
        if environ["REQUEST_METHOD"] == "GET":
            body = self.wsdl.replace("__ADDRESS__", self.server.url + "/service")
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [body.encode()]
        size = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(size)
        self.calls.append(raw.decode())
        body = etree.fromstring(raw).find(f"{{{SOAP_ENV}}}Body")
        request = body[0]
        operation = etree.QName(request).localname
        params = {}
        for child in request.iter():
            if child is not request and len(child) == 0:
                params[etree.QName(child).localname] = child.text or ""
        try:
            fields = self.handler(operation, params)
        except SoapFault as fault:
            xml = (
                f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body><soap:Fault>'
                f"<faultcode>soap:Server</faultcode><faultstring>{fault.code}</faultstring>"
                "</soap:Fault></soap:Body></soap:Envelope>"
            )
            start_response("500 Internal Server Error", [("Content-Type", "text/xml")])
            return [xml.encode()]
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
        return [self.envelope(operation, fields).encode()]

    def envelope(self, operation, fields):
        wrapper, items = fields
        inner = "".join(_element(name, value) for name, value in items)
        return (
            f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Body>'
            f'<ns:{wrapper} xmlns:ns="{self.namespace}">{inner}</ns:{wrapper}>'
            "</soap:Body></soap:Envelope>"
        )

    def close(self):
        self.server.close()


def _element(name, value):
    from xml.sax.saxutils import escape

    if isinstance(value, list):
        return f"<{name}>{''.join(_element(n, v) for n, v in value)}</{name}>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"


class SoapFault(Exception):
    def __init__(self, code):
        self.code = code


VIES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat:types"
VALID_NUMBERS = {"DE136695976", "BE0403170701", "FR40303265045"}


def vies_handler(operation, params):
    number = params["countryCode"] + params["vatNumber"]
    if number.startswith("IT"):
        raise SoapFault("MS_UNAVAILABLE")
    valid = number in VALID_NUMBERS
    return (
        f"{operation}Response",
        [
            ("countryCode", params["countryCode"]),
            ("vatNumber", params["vatNumber"]),
            ("requestDate", "2026-12-07+01:00"),
            ("valid", valid),
            ("traderName", "ACME GMBH" if valid else "---"),
            ("traderAddress", "1 STRASSE, BERLIN" if valid else "---"),
            ("requestIdentifier", f"WAPIAAAAW{len(number):02d}{number[-4:]}"),
        ],
    )


@pytest.fixture
def vies(settings):
    service = SoapService("vies.wsdl", VIES_NS, vies_handler)
    settings.CIVITAS_VIES_WSDL = service.wsdl_url
    settings.CIVITAS_VIES_TIMEOUT = 3
    settings.CIVITAS_VAT_NUMBER = "FR40303265045"
    yield service
    service.close()


@pytest.fixture
def seller(db):
    from civitas.core.billing.models import Seller

    return Seller.objects.create(
        name="CCI Test",
        legal_form="Établissement public",
        siret="13000293900015",
        vat_number="FR40303265045",
        address="1 place de la Bourse",
        postcode="75002",
        city="Paris",
        iban="FR7630001007941234567890185",
    )
