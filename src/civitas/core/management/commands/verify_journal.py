from django.core.management.base import BaseCommand, CommandError

from civitas.core import journal


class Command(BaseCommand):
    help = "Verify the hash chain of the action journal; report the first broken link."

    def handle(self, *args, **options):
        count, bad, reason = journal.verify()
        if bad is not None:
            raise CommandError(
                f"Journal chain broken at entry #{bad.pk} ({bad.created_at:%Y-%m-%d %H:%M:%S}, "
                f"{bad.action}): {reason}. {count} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Journal intact: {count} entries verified."))
