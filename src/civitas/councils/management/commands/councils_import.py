"""manage.py councils_import FILE [--dry-run] [--kind communes|officials]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal
from civitas.core.exports import importing


class Command(BaseCommand):
    help = "Import communes or elected officials of an EPCI from a CSV/XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check only, write nothing.")
        parser.add_argument(
            "--kind", choices=["communes", "officials"], help="Default: guessed from the headers."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            table = importing.read_table(path.read_bytes(), path.name)
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        kind = options["kind"]
        officials = importing.get_importer("councils.officials")
        if kind is None:
            mapping = importing.auto_mapping(officials, table.headers)
            kind = "officials" if mapping.get("email") is not None else "communes"
        importer = importing.get_importer(f"councils.{kind}")
        mapping = importing.auto_mapping(importer, table.headers)
        try:
            report = importing.run(
                importer, table, mapping, None, commit=not options["dry_run"]
            ).as_dict()
        except importing.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        errors_by_line = {}
        for err in report["errors"]:
            errors_by_line.setdefault(err["line"], []).append(err)
        for line, _values in table.rows:
            if line in errors_by_line:
                for err in errors_by_line[line]:
                    self.stdout.write(
                        f"line {line}: REJECTED {err['column'] or err['field']}"
                        f" “{err['value']}”: {err['reason']}"
                    )
            else:
                self.stdout.write(f"line {line}: ok")
        self.stdout.write(
            f"{kind}: {report['total']} rows, {report['accepted']} accepted, "
            f"{report['rejected']} rejected; "
            + ("committed" if report["committed"] else "nothing written")
        )
        if report["committed"]:
            journal.record(
                f"councils.import_{kind}",
                details={"file": path.name, "rows": report["total"]},
            )
        if report["rejected"]:
            raise CommandError("Rows rejected: nothing was imported.")
