"""One registration per message (mail + SMS): the SMS text of "events.X" is now the "sms"
version of "events.X" itself, no longer a separate "events.X_sms" template.

- The 21 "events.X" SMS rows the template editor listed are removed: no code ever sent them
  (the SMS went out from "events.X_sms").
- Administrators' edits of "events.X_sms" become the SMS version of "events.X", for the
  18 messages that are really sent by SMS.
- The SMS of the 3 messages that are never sent by SMS (declined and expired requests,
  expert request not retained) are removed.
"""

from django.db import migrations

SENT_BY_SMS = [
    "request_received",
    "request_accepted",
    "request_confirmed",
    "meeting_cancelled",
    "meeting_scheduled",
    "meeting_moved",
    "meeting_cancelled_by_organiser",
    "meeting_released",
    "waitlist_promoted",
    "expert_request_received",
    "expert_meeting_scheduled",
    "expert_meeting_for_expert",
    "expert_meeting_cancelled",
    "expert_meeting_cancelled_expert",
    "expert_meeting_moved",
    "expert_meeting_cancelled_absence",
    "expert_meeting_rescheduled",
    "expert_meeting_rescheduled_expert",
]
NEVER_BY_SMS = ["request_declined", "request_expired", "expert_not_retained"]


def forwards(apps, schema_editor):
    MessageTemplate = apps.get_model("outbox", "MessageTemplate")
    every = SENT_BY_SMS + NEVER_BY_SMS
    # Listed in the editor, never sent.
    MessageTemplate.objects.filter(channel="sms", code__in=[f"events.{c}" for c in every]).delete()
    MessageTemplate.objects.filter(code__in=[f"events.{c}_sms" for c in NEVER_BY_SMS]).delete()
    MessageTemplate.objects.filter(code__in=[f"events.{c}_sms" for c in SENT_BY_SMS]).exclude(
        channel="sms"
    ).delete()
    for code in SENT_BY_SMS:
        MessageTemplate.objects.filter(channel="sms", code=f"events.{code}_sms").update(
            code=f"events.{code}"
        )


def backwards(apps, schema_editor):
    MessageTemplate = apps.get_model("outbox", "MessageTemplate")
    for code in SENT_BY_SMS:
        MessageTemplate.objects.filter(channel="sms", code=f"events.{code}").update(
            code=f"events.{code}_sms"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_polish"),
        ("outbox", "0003_attachment"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
