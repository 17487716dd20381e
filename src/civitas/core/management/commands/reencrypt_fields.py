"""Rewrite every encrypted field with the newest key of CIVITAS_FIELD_KEYS (key rotation)."""

from django.apps import apps
from django.core.management.base import BaseCommand

from civitas.core import fields


class Command(BaseCommand):
    help = "Re-encrypt the encrypted text fields with the newest key of CIVITAS_FIELD_KEYS."

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            if fields.encrypted_fields(model):
                count = fields.reencrypt(model)
                total += count
                self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted")
        self.stdout.write(f"Total: {total}")
