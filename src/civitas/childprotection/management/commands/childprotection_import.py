"""Import the CSV export of the former Access application (all-or-nothing, idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Import child protection files from the documented CSV export of Access."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only, write nothing")
        parser.add_argument("--report", help="CSV file for the rejected rows")

    def handle(self, *args, file, dry_run, report, **options):
        from civitas.childprotection.services import importer

        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {file}")
        text = path.read_bytes().decode("utf-8-sig", errors="strict")
        result = importer.run(text, dry_run=dry_run)
        if report:
            with open(report, "w", newline="", encoding="utf-8") as out:
                importer.write_report(result, out)
        self.stdout.write(
            f"{result.rows} row(s) read, {len(result.rejected)} rejected, "
            f"{result.files_created} file(s) and {result.children_created} child(ren) created, "
            f"{result.skipped_files} file(s) already imported"
        )
        for line, legacy, reasons in result.rejected[:50]:
            self.stdout.write(f"  line {line} ({legacy}): {' | '.join(reasons)}")
        if result.rejected:
            raise CommandError("Rows rejected: nothing was imported (all-or-nothing)")
        if dry_run:
            self.stdout.write("Dry run: nothing written")
