"""Background generation of mail-merge batches."""

from django_tasks import task


@task()
def generate_batch(progress_id: str, template_id: int, user_id: int, params: dict):
    from .services import run_batch

    run_batch(progress_id, template_id, user_id, params)
