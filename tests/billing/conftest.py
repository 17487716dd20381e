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


PAYFIP_NS = (
    "http://securite.service.tpa.cp.finance.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)


class PayFipState:
    """What the fake PayFiP knows: idOp -> (request, result code or fault)."""

    def __init__(self):
        self.operations = {}
        self.counter = 0

    def handler(self, operation, params):
        if operation == "creerPaiementSecurise":
            if params["idcoll"] != "012345":
                raise SoapFault("Collectivité inconnue")
            self.counter += 1
            id_op = f"idop{self.counter:06d}"
            self.operations[id_op] = {"params": params, "result": "P5"}
            return ("creerPaiementSecuriseResponse", [("return", [("idOp", id_op)])])
        op = self.operations.get(params["idOp"])
        if op is None:
            raise SoapFault("P1 idOp inconnu")
        if op["result"] == "P5":
            raise SoapFault("P5 Résultat inconnu")
        p = op["params"]
        return (
            "recupererDetailPaiementSecuriseResponse",
            [
                (
                    "return",
                    [
                        ("dattrans", "07122026"),
                        ("exer", p["exer"]),
                        ("heurtrans", "1200"),
                        ("idOp", params["idOp"]),
                        ("idcoll", p["idcoll"]),
                        ("mel", p["mel"]),
                        ("montant", op.get("montant", p["montant"])),
                        ("numauto", "AUT123"),
                        ("objet", p["objet"]),
                        ("refdet", p["refdet"]),
                        ("resultrans", op["result"]),
                        ("saisie", p["saisie"]),
                    ],
                )
            ],
        )


@pytest.fixture
def payfip(settings):
    state = PayFipState()
    service = SoapService("payfip.wsdl", PAYFIP_NS, state.handler)
    service.state = state
    settings.CIVITAS_PAYFIP = {
        "wsdl": service.wsdl_url,
        "numcli": "012345",
        "mode": "T",
        "pay_url": "https://payfip.example/tpa/paiementws.web",
        "timeout": 3,
    }
    yield service
    service.close()


class CciShop:
    """The chamber's shop: accepts signed orders, remembers them, and can post results."""

    def __init__(self, secret):
        self.secret = secret
        self.orders = []
        self.down = False
        self.server = LocalServer(self)

    def __call__(self, environ, start_response):
        from civitas.core.billing.providers import cci_shop

        if self.down:
            start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
            return [b"down"]
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        signature = environ.get("HTTP_X_CIVITAS_SIGNATURE", "")
        if signature != cci_shop.sign(raw, self.secret):
            start_response("403 Forbidden", [("Content-Type", "application/xml")])
            return [f'<order-refused xmlns="{cci_shop.NS}" reason="signature"/>'.encode()]
        root = etree.fromstring(raw)
        self.orders.append(root)
        n = len(self.orders)
        body = (
            f'<order-accepted xmlns="{cci_shop.NS}" shop_order_id="SHOP{n}" '
            f'payment_url="https://boutique.example/pay/SHOP{n}"/>'
        )
        start_response("201 Created", [("Content-Type", "application/xml")])
        return [body.encode()]


@pytest.fixture
def cci_shop(settings):
    shop = CciShop("s3cret-test")
    settings.CIVITAS_CCI_SHOP = {
        "test": {"url": shop.server.url, "secret": "s3cret-test"},
        "production": {"url": "http://127.0.0.1:9/", "secret": "prod"},
        "timeout": 3,
        "max_age": 900,
    }
    yield shop
    shop.server.close()


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield
