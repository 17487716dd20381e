"""Routes of the events back office, included by civitas.events.urls (namespace "events")."""

from django.urls import path

from . import agendas as bo_agendas
from . import animations as bo_anim
from . import badges as bo_badges
from . import calendar as bo_calendar
from . import checkin as bo_checkin
from . import coorganiser_space as bo_coorganiser_space
from . import coorganisers as bo_coorganisers
from . import dashboard as bo_dashboard
from . import expert_moves as bo_expert_moves
from . import experts as bo_experts
from . import feedback as bo_feedback
from . import lists as bo_lists
from . import mailing as bo_mailing
from . import manual as bo_manual
from . import messaging as bo_msg
from . import moderation as bo_moderation
from . import regform as bo_form
from . import registration_edit as bo_edit
from . import reminders as bo_reminders
from . import reports as bo_reports
from . import sales as bo_sales
from . import trail as bo_trail
from . import views as bo
from . import waitlist as bo_waitlist
from . import webhooks as bo_webhooks
from . import word_merge as bo_word_merge

urlpatterns = [
    # Animations (workshops, conferences, trainings, round tables)
    path("backoffice/evenements/<id:pk>/animations/", bo_anim.animation_list, name="bo_animations"),
    path(
        "backoffice/evenements/<id:pk>/animations/nouvelle/",
        bo_anim.animation_create,
        name="bo_animation_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/",
        bo_anim.animation_registrations,
        name="bo_animation_registrations",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/modifier/",
        bo_anim.animation_edit,
        name="bo_animation_edit",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/intervenants/nouveau/",
        bo_anim.speaker_edit,
        name="bo_animation_speaker_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/intervenants/<id:speaker_pk>/",
        bo_anim.speaker_edit,
        name="bo_animation_speaker",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/ajouter/",
        bo_anim.animation_add_participant,
        name="bo_animation_add",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/<str:action>/",
        bo_anim.animation_status,
        name="bo_animation_status",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/inscriptions/<id:reg_pk>/annuler/",
        bo_anim.registration_cancel,
        name="bo_animation_reg_cancel",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/inscriptions/<id:reg_pk>/transferer/",
        bo_anim.registration_transfer,
        name="bo_animation_reg_transfer",
    ),
    path(
        "backoffice/evenements/<id:pk>/animations/<id:animation_pk>/convention/<id:reg_pk>/",
        bo_anim.training_agreement,
        name="bo_animation_agreement",
    ),
    path("backoffice/evenements/", bo.event_list, name="bo_events"),
    path("backoffice/evenements/nouveau/", bo.event_create, name="bo_event_new"),
    path("backoffice/evenements/calendrier/", bo_calendar.calendar, name="bo_calendar"),
    path("backoffice/evenements/<id:pk>/", bo.event_detail, name="bo_event"),
    path("backoffice/evenements/<id:pk>/modifier/", bo.event_edit, name="bo_event_edit"),
    path(
        "backoffice/evenements/ventes-par-etablissement/",
        bo_sales.sales_by_seller,
        name="bo_sales_by_seller",
    ),
    path("backoffice/evenements/<id:pk>/tarifs/", bo_sales.prices, name="bo_prices"),
    path("backoffice/evenements/<id:pk>/commandes/", bo_sales.orders, name="bo_orders"),
    path(
        "backoffice/evenements/<id:pk>/commandes/<id:order_pk>/action/",
        bo_sales.order_action,
        name="bo_order_action",
    ),
    path(
        "backoffice/evenements/<id:pk>/ventes/export/<str:kind>.csv",
        bo_sales.export,
        name="bo_sales_export",
    ),
    path("backoffice/evenements/<id:pk>/ajouter/<str:kind>/", bo.add_item, name="bo_add"),
    path(
        "backoffice/evenements/<id:pk>/sessions/<id:session_pk>/",
        bo.session_edit,
        name="bo_session",
    ),
    path("backoffice/evenements/<id:pk>/inscriptions/", bo.registrations, name="bo_registrations"),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/refuser/",
        bo.registration_reject,
        name="bo_registration_reject",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/<str:action>/",
        bo.registration_action,
        name="bo_registration_action",
    ),
    path("backoffice/evenements/<id:pk>/demandes/", bo.requests_list, name="bo_requests"),
    path(
        "backoffice/evenements/<id:pk>/agenda/<id:rep_pk>/",
        bo.participant_agenda,
        name="bo_agenda",
    ),
    path("backoffice/evenements/<id:pk>/planification/", bo.scheduling, name="bo_scheduling"),
    # Meeting operations (manual changes)
    path(
        "backoffice/evenements/<id:pk>/demandes/<id:req_pk>/placer/",
        bo_manual.meeting_place,
        name="bo_meeting_place",
    ),
    path(
        "backoffice/evenements/<id:pk>/rendez-vous/<id:meeting_pk>/deplacer/",
        bo_manual.meeting_move,
        name="bo_meeting_move",
    ),
    path(
        "backoffice/evenements/<id:pk>/rendez-vous/<id:meeting_pk>/annuler/",
        bo_manual.meeting_cancel,
        name="bo_meeting_cancel",
    ),
    path(
        "backoffice/evenements/<id:pk>/agenda/<id:rep_pk>/pdf/",
        bo_agendas.agenda_pdf_view,
        name="bo_agenda_pdf",
    ),
    path("backoffice/evenements/<id:pk>/agendas/", bo_agendas.agendas, name="bo_agendas"),
    # Word mail-merge (core's Documents kinds, this event's records)
    path(
        "backoffice/evenements/<id:pk>/publipostage-word/",
        bo_word_merge.word_merge_page,
        name="bo_word_merge",
    ),
    path(
        "backoffice/evenements/<id:pk>/publipostage-word/<id:template_pk>/generer/",
        bo_word_merge.word_merge_generate,
        name="bo_word_merge_generate",
    ),
    path(
        "backoffice/evenements/<id:pk>/publipostage-word/exemple/<slug:code>.docx",
        bo_word_merge.word_merge_example,
        name="bo_word_merge_example",
    ),
    # Messages (back office)
    path("backoffice/evenements/<id:pk>/messages/", bo_msg.inbox, name="bo_messages"),
    path(
        "backoffice/evenements/<id:pk>/messages/<id:conv_pk>/",
        bo_msg.conversation,
        name="bo_conversation",
    ),
    path(
        "backoffice/evenements/<id:pk>/messages/participant/<id:rep_pk>/",
        bo_msg.participant,
        name="bo_conversation_participant",
    ),
    # Mailings (back office)
    path(
        "backoffice/evenements/<id:pk>/publipostage/", bo_mailing.mailing_list, name="bo_mailings"
    ),
    path(
        "backoffice/evenements/<id:pk>/publipostage/nouveau/",
        bo_mailing.mailing_new,
        name="bo_mailing_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/publipostage/apercu/",
        bo_mailing.mailing_preview,
        name="bo_mailing_preview",
    ),
    path(
        "backoffice/evenements/<id:pk>/publipostage/<id:mailing_pk>/",
        bo_mailing.mailing_detail,
        name="bo_mailing",
    ),
    path("backoffice/evenements/<id:pk>/experts/", bo_experts.expert_list, name="bo_experts"),
    path(
        "backoffice/evenements/<id:pk>/experts/nouveau/",
        bo_experts.expert_create,
        name="bo_expert_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/<id:expert_pk>/",
        bo_experts.expert_edit,
        name="bo_expert",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/<id:expert_pk>/candidats/",
        bo_experts.expert_candidates,
        name="bo_expert_candidates",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/<id:expert_pk>/absence/",
        bo_experts.expert_absence,
        name="bo_expert_absence",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/<id:expert_pk>/agenda/",
        bo_experts.expert_agenda,
        name="bo_expert_agenda",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/absences/<id:absence_pk>/",
        bo_experts.expert_absence_report,
        name="bo_expert_absence_report",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/rendez-vous/<id:meeting_pk>/annuler/",
        bo_experts.expert_meeting_cancel,
        name="bo_expert_meeting_cancel",
    ),
    path(
        "backoffice/evenements/<id:pk>/experts/rendez-vous/<id:meeting_pk>/deplacer/",
        bo_expert_moves.expert_meeting_move,
        name="bo_expert_meeting_move",
    ),
    path("backoffice/evenements/<id:pk>/formulaire/", bo_form.form_settings, name="bo_regform"),
    path(
        "backoffice/evenements/<id:pk>/formulaire/champs/nouveau/",
        bo_form.field_edit,
        name="bo_regform_field_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/formulaire/champs/<id:field_pk>/",
        bo_form.field_edit,
        name="bo_regform_field",
    ),
    path(
        "backoffice/evenements/<id:pk>/formulaire/champs/<id:field_pk>/supprimer/",
        bo_form.field_delete,
        name="bo_regform_field_delete",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/",
        bo_form.registration_detail,
        name="bo_registration",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/entreprise/modifier/",
        bo_edit.company_edit,
        name="bo_registration_company_edit",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/representants/ajouter/",
        bo_edit.representative_edit,
        name="bo_registration_rep_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/representants/<id:rep_pk>/",
        bo_edit.representative_edit,
        name="bo_registration_rep_edit",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/representants/<id:rep_pk>/"
        "retirer/",
        bo_edit.representative_remove,
        name="bo_registration_rep_remove",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/offres/ajouter/",
        bo_edit.offer_edit,
        name="bo_registration_offer_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/offres/<id:offer_pk>/",
        bo_edit.offer_edit,
        name="bo_registration_offer_edit",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/offres/<id:offer_pk>/retirer/",
        bo_edit.offer_remove,
        name="bo_registration_offer_remove",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/<id:company_pk>/offres/<id:offer_pk>/"
        "piece-jointe/",
        bo_edit.offer_attachment,
        name="bo_registration_offer_attachment",
    ),
    path(
        "backoffice/evenements/<id:pk>/historique/inscriptions/<id:company_pk>/",
        bo_trail.registration_trail,
        name="bo_registration_trail",
    ),
    path(
        "backoffice/evenements/<id:pk>/checkin/<str:token>/",
        bo_form.checkin_lookup,
        name="bo_checkin",
    ),
    path(
        "backoffice/evenements/<id:pk>/convocations/<id:rep_pk>.pdf",
        bo_form.convocation_pdf,
        name="bo_convocation_pdf",
    ),
    # Saved reports
    path("backoffice/evenements/<id:pk>/rapports/", bo_reports.report_list, name="bo_reports"),
    path(
        "backoffice/evenements/<id:pk>/rapports/nouveau/",
        bo_reports.report_new,
        name="bo_report_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/rapports/<id:report_pk>/",
        bo_reports.report_detail,
        name="bo_report",
    ),
    path(
        "backoffice/evenements/<id:pk>/rapports/<id:report_pk>/telecharger/<str:fmt>/",
        bo_reports.report_run,
        name="bo_report_run",
    ),
    path(
        "backoffice/evenements/<id:pk>/rapports/<id:report_pk>/supprimer/",
        bo_reports.report_delete,
        name="bo_report_delete",
    ),
    path(
        "backoffice/evenements/<id:pk>/rapports/<id:report_pk>/planifier/",
        bo_reports.report_schedule,
        name="bo_report_schedule",
    ),
    path("backoffice/evenements/<id:pk>/webhooks/", bo_webhooks.webhook_list, name="bo_webhooks"),
    path(
        "backoffice/evenements/<id:pk>/webhooks/nouveau/",
        bo_webhooks.webhook_new,
        name="bo_webhook_new",
    ),
    path(
        "backoffice/evenements/<id:pk>/webhooks/<id:hook_pk>/",
        bo_webhooks.webhook_detail,
        name="bo_webhook",
    ),
    path(
        "backoffice/evenements/<id:pk>/webhooks/<id:hook_pk>/<str:action>/",
        bo_webhooks.webhook_action,
        name="bo_webhook_action",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/a-valider/",
        bo_moderation.to_validate,
        name="bo_to_validate",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/a-valider/<str:kind>/<id:item_pk>/valider/",
        bo_moderation.validate,
        name="bo_moderation_validate",
    ),
    path(
        "backoffice/evenements/<id:pk>/inscriptions/a-valider/<str:kind>/<id:item_pk>/refuser/",
        bo_moderation.reject,
        name="bo_moderation_reject",
    ),
    path(
        "backoffice/evenements/<id:pk>/listes-attente/",
        bo_waitlist.waitlists,
        name="bo_waitlists",
    ),
    path(
        "backoffice/evenements/<id:pk>/listes-attente/<id:entry_pk>/retirer/",
        bo_waitlist.waitlist_remove,
        name="bo_waitlist_remove",
    ),
]

# Check-in on the event day (backoffice/checkin.py keeps its own routes).
urlpatterns += bo_checkin.urlpatterns + bo_badges.urlpatterns + bo_reminders.urlpatterns
urlpatterns += bo_dashboard.urlpatterns + bo_feedback.urlpatterns
# Co-organisers and their assignment rules (backoffice/coorganisers.py).
urlpatterns += bo_coorganisers.urlpatterns
# The co-organiser space: its own companies only (backoffice/coorganiser_space.py).
urlpatterns += bo_coorganiser_space.urlpatterns
# Keyword and cooperation-type lists (backoffice/lists.py).
urlpatterns += bo_lists.urlpatterns
