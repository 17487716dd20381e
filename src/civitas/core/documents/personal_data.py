"""Personal data held by the document service (read by civitas.core.gdpr.registry)."""

from civitas.core.gdpr import registry as r

# Templates are kept; the link to the person who uploaded them is removed on erasure.
r.register_user_links("documents.DocumentTemplate", category="content")
