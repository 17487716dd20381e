"""Production settings: HTTPS only, strict cookies, HSTS. SECRET_KEY must come from env."""

import base64

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
# Encrypted fields: production refuses to start without a valid key from the environment.
if not (CIVITAS_FIELD_KEYS or CIVITAS_FIELD_KEY):  # noqa: F405
    raise ImproperlyConfigured(
        "Set CIVITAS_FIELD_KEYS (base64 keys of 32 bytes, newest first) or CIVITAS_FIELD_KEY"
    )
for _key in CIVITAS_FIELD_KEYS or [CIVITAS_FIELD_KEY]:  # noqa: F405
    try:
        if len(base64.b64decode(_key.replace("-", "+").replace("_", "/"), validate=True)) != 32:
            raise ValueError
    except ValueError as _exc:
        raise ImproperlyConfigured(
            "CIVITAS_FIELD_KEYS: every key must be base64 of exactly 32 bytes"
        ) from _exc
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
