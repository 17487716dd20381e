"""manage.py export_all DIR: complete archive of the organisation's data (reversibility)."""

import errno
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal
from civitas.core.gdpr.reversibility import export_all


class Command(BaseCommand):
    help = (
        "Write every table (CSV + JSON), the uploaded documents, a description of the "
        "schema and a manifest into DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Target directory (created if needed)")
        parser.add_argument(
            "--force", action="store_true", help="Write even if the directory is not empty"
        )

    def handle(self, directory, force=False, **options):
        target = Path(directory)
        if target.exists() and any(target.iterdir()) and not force:
            raise CommandError(f"{target} is not empty (use --force to write into it anyway)")
        try:
            manifest = export_all(target)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            free = shutil.disk_usage(target if target.exists() else target.parent).free
            raise CommandError(
                f"Not enough space in {target} ({free / 1e6:.1f} MB free): the archive is "
                "incomplete and has no manifest.json, do not use it. Free some space and "
                "export again into an empty directory."
            ) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        journal.record(
            "gdpr.export_all",
            details={
                "via": "command",
                "tables": len(manifest["tables"]),
                "rows": rows,
                "documents": len(manifest["documents"]),
            },
        )
        self.stdout.write(
            f"{len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['documents'])} documents written to {target}"
        )
