def url_samples():
    from civitas.core.gdpr.models import PrivacyNotice, ProcessingActivity

    activity = ProcessingActivity.objects.order_by("pk").first()
    notice = PrivacyNotice.objects.order_by("pk").first()
    return {
        "gdpr:register_edit": {"pk": activity.pk},
        "gdpr:register_delete": {"pk": activity.pk},
        "gdpr:notice_edit": {"pk": notice.pk},
    }
