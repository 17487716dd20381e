"""manage.py backups list | prune | delete ID"""

from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal
from civitas.core.backups import catalogue, conf, services
from civitas.core.backups.crypto import BackupError


class Command(BaseCommand):
    help = "List the backup catalogue, apply the retention policy, or delete a backup."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="List the catalogue, newest first.")
        sub.add_parser("prune", help="Delete scheduled backups beyond the retention policy.")
        delete = sub.add_parser("delete", help="Delete one backup (archive and manifest).")
        delete.add_argument("backup_id")

    def handle(self, *args, action, **options):
        try:
            if action == "list":
                self._list()
            elif action == "prune":
                pruned = services.prune()
                journal.record("backup.prune", details={"deleted": pruned})
                self.stdout.write(f"{len(pruned)} backup(s) deleted by the retention policy.")
                for backup_id in pruned:
                    self.stdout.write(f"  {backup_id}")
            else:
                catalogue.delete(options["backup_id"])
                journal.record(
                    "backup.delete",
                    object_type="backups.backup",
                    object_id=options["backup_id"],
                    object_repr=options["backup_id"],
                )
                self.stdout.write(f"Backup {options['backup_id']} deleted.")
        except BackupError as exc:
            raise CommandError(str(exc)) from exc

    def _list(self):
        self.stdout.write(f"Catalogue: {conf.backup_dir()}")
        rows = catalogue.all_backups()
        if not rows:
            self.stdout.write("No backup yet.")
        for m in rows:
            verified = {True: "verified", False: "VERIFY FAILED", None: "not verified"}[
                m.get("verified_ok")
            ]
            self.stdout.write(
                f"{m['id']}  {m['created_at'][:19]}  {m['type']:<8} {m['engine']:<10} "
                f"{m['size']:>14,}  {m['sha256'][:16]}  {verified}"
            )
