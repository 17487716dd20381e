"""manage.py restore ID [--yes] [--no-safety-backup]"""

from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal
from civitas.core.backups import catalogue, services
from civitas.core.backups.crypto import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup from the catalogue (database and media files), then verify the row "
        "counts and checksum of every table against the catalogue. Exits non-zero on any "
        "refusal or mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_id")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="Do not back up the current state before restoring.",
        )

    def handle(self, *args, backup_id, **options):
        try:
            m = catalogue.load(backup_id)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            self.stdout.write(
                f"Restore backup {m['id']} of {m['created_at']} ({m['type']}, {m['engine']})? "
                "The current database and media files will be replaced."
            )
            if input("Type the backup id to confirm: ").strip() != m["id"]:
                raise CommandError("Not confirmed: nothing was restored.")
        try:
            report = services.restore(
                backup_id,
                safety_backup=not options["no_safety_backup"],
                log=lambda line: self.stdout.write(f"  {line}"),
            )
        except BackupError as exc:
            raise CommandError(f"Restore refused: {exc}") from exc
        journal.record(
            "backup.restore",
            object_type="backups.backup",
            object_id=backup_id,
            object_repr=backup_id,
            details={"ok": report["ok"], "tables": report["tables"], "rows": report["rows"]},
        )
        for line in report["mismatches"]:
            self.stderr.write(
                f"  MISMATCH {line['table']}: expected {line['expected_rows']} rows, "
                f"found {line['actual_rows']} (or different content)"
            )
        if not report["ok"]:
            raise CommandError(
                f"Backup {backup_id} restored but verification FAILED on "
                f"{len(report['mismatches'])} table(s)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {backup_id} restored and verified: {report['tables']} tables, "
                f"{report['rows']:,} rows identical to the catalogue."
            )
        )
