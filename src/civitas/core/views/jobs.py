from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from ..models import JobProgress
from ..permissions import login_required


def _own_job(request, pk):
    job = get_object_or_404(JobProgress, pk=pk)
    if job.owner_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


@login_required
def job_status(request, pk):
    """The progress bar of one of the user's jobs (HTMX polls this fragment)."""
    job = _own_job(request, pk)
    template = "core/includes/job_progress.html" if request.htmx else "core/job.html"
    refresh = request.GET.get("refresh") == "1"
    response = render(request, template, {"job": job, "refresh_when_done": refresh})
    if request.htmx and refresh and job.finished:
        # The page shows the job's result (figures, lists): reload it once the job ends so
        # that the progress bar and the result never disagree.
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    # a result is offered only once its job finished: never a half-written file
    if not job.result_file or job.status != job.Status.DONE:
        raise Http404
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=job.result_file.name.rsplit("/", 1)[-1],
    )
