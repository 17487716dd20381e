"""The GDPR app's own models (read by civitas.core.gdpr.registry)."""

from civitas.core.gdpr import registry as r

r.exempt(
    "gdpr.ProcessingActivity",
    "recipients describes categories of recipients in the register, not people",
)

# The register of breaches is a legal record (art. 33.5): the recording agent's link is
# cut at erasure, the row is kept; the DPO's address is a function mailbox, not a person's.
r.register_user_links(
    "gdpr.Breach",
    category="legal_record",
    fields=["created_by"],
    keep_reason="Register of personal-data breaches, kept as evidence (GDPR art. 33.5)",
)
