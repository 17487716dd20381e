"""Letters of a file: choose one of the 10 letters, generate it, download it again."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from civitas.core import journal

from ..models import Letter
from ..services import letters
from .views import EDIT, VIEW, file_view

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@file_view(EDIT)
def letter_list(request, file):
    choices = letters.available(request.user, file)
    if request.method == "POST":
        try:
            letter = letters.generate(request, file, request.POST.get("code", ""))
        except letters.LetterError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, letter.name)
            return redirect("childprotection:letters", pk=file.pk)
    return render(
        request,
        "childprotection/backoffice/letters.html",
        {"file": file, "choices": choices, "letters": file.letters.all()},
    )


@file_view(VIEW)
def letter_download(request, file, letter_pk):
    letter = get_object_or_404(Letter, pk=letter_pk, file=file)
    journal.record(
        "childprotection.file_read",
        request=request,
        obj=file,
        details={"what": "letter", "letter": letter.pk},
    )
    response = HttpResponse(letters.content_of(letter), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{letter.file_name}"'
    return response
