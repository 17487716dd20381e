"""The GDPR app's own models (read by civitas.core.gdpr.registry)."""

from civitas.core.gdpr import registry as r

r.exempt(
    "gdpr.ProcessingActivity",
    "recipients describes categories of recipients in the register, not people",
)
