"""Yearly OLINPE file (pseudonymised) and its quality report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal


class Command(BaseCommand):
    help = "Write the OLINPE file of a year and its quality report into a directory."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument(
            "--dry-run", action="store_true", help="Do not store the identifiers of this year"
        )

    def handle(self, *args, year, out, dry_run, **options):
        from django.core.exceptions import ImproperlyConfigured

        from civitas.childprotection.services import olinpe

        if not 2000 <= year <= 2100:
            raise CommandError("--year: a year between 2000 and 2100")
        try:
            extraction = olinpe.extract(year, store=not dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        data, report = olinpe.write(extraction, Path(out))
        journal.record(
            "childprotection.olinpe_extracted",
            details={
                "year": year,
                "rows": len(extraction.rows),
                "problems": len(extraction.problems),
            },
        )
        children_with_problems = len({p[1] for p in extraction.problems})
        self.stdout.write(
            f"{len(extraction.rows)} row(s) in {data}\n"
            f"{len(extraction.problems)} problem(s) for {children_with_problems} child(ren) "
            f"in {report}"
        )
