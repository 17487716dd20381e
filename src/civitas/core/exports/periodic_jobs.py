from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("exports.run_scheduled", every=timedelta(minutes=15))
def run_scheduled_exports():
    from .services import run_due_schedules

    return run_due_schedules()
