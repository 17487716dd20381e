def url_samples():
    from civitas.core.documents.models import DocumentTemplate

    template = DocumentTemplate.objects.create(
        name="Sample letter",
        kind="user",
        file="documents/templates/missing-sample.docx",
        fields_used=["full_name"],
    )
    return {
        "documents:template_detail": {"pk": template.pk},
        "documents:generate": {"pk": template.pk},
        "documents:template_download": {"pk": template.pk},
        "documents:template_delete": {"pk": template.pk},
        "documents:print_test": {"sample": "a4"},
    }
