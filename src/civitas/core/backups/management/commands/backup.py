"""manage.py backup [--type manual|daily|weekly|monthly] [--note TEXT] | --generate-key"""

from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal
from civitas.core.backups import catalogue, services
from civitas.core.backups.crypto import BackupError, generate_key


class Command(BaseCommand):
    help = "Back up the database and the media files into the encrypted backup directory."

    def add_arguments(self, parser):
        parser.add_argument("--type", default="manual", choices=catalogue.TYPES)
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Print a new random key for CIVITAS_BACKUP_KEY and exit.",
        )
        parser.add_argument(
            "--prune", action="store_true", help="Apply the retention policy afterwards."
        )

    def handle(self, *args, **options):
        if options["generate_key"]:
            self.stdout.write(generate_key())
            return
        try:
            m = services.create_backup(options["type"], note=options["note"])
            pruned = services.prune() if options["prune"] else []
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        journal.record(
            "backup.create",
            object_type="backups.backup",
            object_id=m["id"],
            object_repr=m["id"],
            details={"type": m["type"], "size": m["size"], "pruned": pruned},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup {m['id']} ({m['type']}, {m['engine']}): {m['size']:,} bytes, "
                f"{len(m['tables'])} tables, {sum(t['rows'] for t in m['tables'].values()):,} "
                f"rows, {m['duration_seconds']} s"
            )
        )
        self.stdout.write(f"  {catalogue.archive_path(m['id'])}")
        self.stdout.write(f"  sha256 {m['sha256']}")
        if "offsite" in m:
            if m["offsite"]["ok"]:
                self.stdout.write("  copied off the server")
            else:
                self.stderr.write(f"  NOT copied off the server: {m['offsite']['message']}")
        for backup_id in pruned:
            self.stdout.write(f"  pruned {backup_id}")
