"""SMS providers: a small base class and a registry. A new provider is one class.

CIVITAS_SMS_PROVIDER selects one: "file" (development: appends to var/sms.log) or "http"
(posts a JSON payload to CIVITAS_SMS_HTTP_URL).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone

from . import conf


class SmsError(Exception):
    """Sending failed. `permanent` errors are not retried."""

    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class SmsProvider:
    code = ""

    def send(self, to: str, text: str) -> str:
        """Send one SMS; return the provider's reference. Raise SmsError on failure."""
        raise NotImplementedError


_providers: dict[str, type[SmsProvider]] = {}


def register(cls: type[SmsProvider]) -> type[SmsProvider]:
    _providers[cls.code] = cls
    return cls


def get_provider() -> SmsProvider:
    code = conf.sms_provider()
    try:
        return _providers[code]()
    except KeyError:
        raise SmsError(f"Unknown SMS provider {code!r}", permanent=True) from None


@register
class FileProvider(SmsProvider):
    """Development provider: one JSON line per SMS in var/sms.log."""

    code = "file"

    def path(self) -> Path:
        return Path(settings.VAR_DIR) / "sms.log"

    def send(self, to, text):
        ref = uuid.uuid4().hex
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"time": timezone.now().isoformat(), "id": ref, "to": to, "text": text},
            ensure_ascii=False,
        )
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return ref


def _fill(value, variables):
    if isinstance(value, str):
        for key, replacement in variables.items():
            value = value.replace("{" + key + "}", replacement)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, variables) for v in value]
    return value


@register
class HttpProvider(SmsProvider):
    """POST a JSON payload built from CIVITAS_SMS_HTTP_PAYLOAD to CIVITAS_SMS_HTTP_URL.

    The payload template is JSON whose string values may contain {to}, {text} and
    {sender}; values are substituted after parsing, so the text is always escaped
    correctly. The token, if any, is sent as a bearer token and never stored.
    """

    code = "http"

    def payload(self, to, text):
        try:
            template = json.loads(conf.sms_http_payload())
        except json.JSONDecodeError as exc:
            raise SmsError(f"CIVITAS_SMS_HTTP_PAYLOAD is not JSON: {exc}", permanent=True) from exc
        return _fill(template, {"to": to, "text": text, "sender": conf.sms_sender()})

    def send(self, to, text):
        url = conf.sms_http_url()
        if not url:
            raise SmsError("CIVITAS_SMS_HTTP_URL is not set", permanent=True)
        headers = {"Accept": "application/json"}
        token = conf.sms_http_token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = requests.post(
                url, json=self.payload(to, text), headers=headers, timeout=conf.sms_http_timeout()
            )
        except requests.RequestException as exc:
            raise SmsError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 300:
            permanent = 400 <= response.status_code < 500 and response.status_code != 429
            raise SmsError(
                f"HTTP {response.status_code}: {response.text[:300]}", permanent=permanent
            )
        try:
            data = response.json()
        except ValueError:
            data = {}
        ref = data.get("id") or data.get("message_id") if isinstance(data, dict) else None
        return str(ref or "")
