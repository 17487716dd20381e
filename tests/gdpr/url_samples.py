def url_samples():
    from django.utils import timezone

    from civitas.core.gdpr.models import Breach, PrivacyNotice, ProcessingActivity

    activity = ProcessingActivity.objects.order_by("pk").first()
    notice = PrivacyNotice.objects.order_by("pk").first()
    breach = Breach.objects.order_by("pk").first() or Breach.objects.create(
        title="Exemple", discovered_at=timezone.now(), description="Exemple"
    )
    return {
        "gdpr:breach_detail": {"pk": breach.pk},
        "gdpr:breach_edit": {"pk": breach.pk},
        "gdpr:breach_cnil": {"pk": breach.pk},
        "gdpr:register_edit": {"pk": activity.pk},
        "gdpr:register_delete": {"pk": activity.pk},
        "gdpr:notice_edit": {"pk": notice.pk},
    }
