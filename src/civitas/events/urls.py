from django.urls import path

from .api.urls import urlpatterns as api_urlpatterns
from .backoffice import agendas as bo_agendas
from .backoffice import expert_moves as bo_expert_moves
from .backoffice import experts as bo_experts
from .backoffice import mailing as bo_mailing
from .backoffice import manual as bo_manual
from .backoffice import messaging as bo_msg
from .backoffice import moderation as bo_moderation
from .backoffice import regform as bo_form
from .backoffice import views as bo
from .backoffice import waitlist as bo_waitlist
from .backoffice import webhooks as bo_webhooks
from .frontoffice import agendas as fo_agendas
from .frontoffice import availability as fo_availability
from .frontoffice import experts as fo_experts
from .frontoffice import messaging as fo_msg
from .frontoffice import moderation as fo_moderation
from .frontoffice import regform_views as fo_form
from .frontoffice import views as fo
from .frontoffice import waitlist as fo_waitlist

app_name = "events"
urlpatterns = [
    path("evenements/", fo.event_list, name="event_list"),
    path("evenements/agenda/<str:token>.ics", fo.calendar_feed, name="calendar_feed"),
    path("evenements/<slug:slug>/", fo.event_page, name="event_page"),
    path("evenements/<slug:slug>/theme.css", fo.theme_css, name="theme_css"),
    path("evenements/<slug:slug>/inscription/", fo.register, name="register"),
    path("evenements/<slug:slug>/inscription/merci/", fo.register_done, name="register_done"),
    path("evenements/<slug:slug>/participants/", fo.catalogue, name="catalogue"),
    path("evenements/<slug:slug>/participants/<id:pk>/", fo.company_detail, name="company_detail"),
    path("espace/evenements/<slug:slug>/", fo.area_home, name="area_home"),
    path("espace/evenements/<slug:slug>/entreprise/", fo.area_company, name="area_company"),
    path("espace/evenements/<slug:slug>/offres/nouvelle/", fo.area_offer, name="area_offer_new"),
    path("espace/evenements/<slug:slug>/offres/<id:pk>/", fo.area_offer, name="area_offer"),
    path(
        "espace/evenements/<slug:slug>/suggestions/", fo.area_suggestions, name="area_suggestions"
    ),
    path(
        "espace/evenements/<slug:slug>/demandes/nouvelle/<id:rep_pk>/",
        fo.area_request_new,
        name="area_request_new",
    ),
    path(
        "espace/evenements/<slug:slug>/demandes/<id:pk>/<str:action>/",
        fo.area_request_action,
        name="area_request_action",
    ),
    path("espace/evenements/<slug:slug>/agenda/", fo.area_agenda, name="area_agenda"),
    # Back office
    path("backoffice/evenements/", bo.event_list, name="bo_events"),
    path("backoffice/evenements/nouveau/", bo.event_create, name="bo_event_new"),
    path("backoffice/evenements/<id:pk>/", bo.event_detail, name="bo_event"),
    path("backoffice/evenements/<id:pk>/modifier/", bo.event_edit, name="bo_event_edit"),
    path("backoffice/evenements/<id:pk>/ajouter/<str:kind>/", bo.add_item, name="bo_add"),
    path(
        "backoffice/evenements/<id:pk>/sessions/<id:session_pk>/",
        bo.session_edit,
        name="bo_session",
    ),
    path("backoffice/evenements/<id:pk>/inscriptions/", bo.registrations, name="bo_registrations"),
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
    # Agendas as PDF
    path("evenements/agenda/<str:token>.pdf", fo_agendas.agenda_pdf_link, name="agenda_pdf_link"),
    path(
        "espace/evenements/<slug:slug>/agenda.pdf",
        fo_agendas.area_agenda_pdf,
        name="area_agenda_pdf",
    ),
    path(
        "backoffice/evenements/<id:pk>/agenda/<id:rep_pk>/pdf/",
        bo_agendas.agenda_pdf_view,
        name="bo_agenda_pdf",
    ),
    path("backoffice/evenements/<id:pk>/agendas/", bo_agendas.agendas, name="bo_agendas"),
    # Waiting lists per slot (direct booking mode)
    path(
        "espace/evenements/<slug:slug>/liste-attente/",
        fo_waitlist.area_waitlist,
        name="area_waitlist",
    ),
    path(
        "espace/evenements/<slug:slug>/liste-attente/rejoindre/<id:pk>/",
        fo_waitlist.area_waitlist_join,
        name="area_waitlist_join",
    ),
    path(
        "espace/evenements/<slug:slug>/liste-attente/<id:pk>/quitter/",
        fo_waitlist.area_waitlist_leave,
        name="area_waitlist_leave",
    ),
    path(
        "espace/evenements/<slug:slug>/disponibilites/",
        fo_availability.area_availability,
        name="area_availability",
    ),
]
urlpatterns += [
    # Messages (participant area)
    path("espace/evenements/<slug:slug>/messages/", fo_msg.inbox, name="area_messages"),
    path(
        "espace/evenements/<slug:slug>/messages/organisateurs/",
        fo_msg.thread_organisers,
        name="area_thread_organisers",
    ),
    path(
        "espace/evenements/<slug:slug>/messages/demande/<id:request_pk>/",
        fo_msg.thread_request,
        name="area_thread_request",
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
    # Expert meetings
    path(
        "evenements/<slug:slug>/experts/<id:pk>/",
        fo_experts.expert_detail,
        name="expert_detail",
    ),
    path("espace/evenements/<slug:slug>/experts/", fo_experts.area_experts, name="area_experts"),
    path(
        "espace/evenements/<slug:slug>/experts/<id:pk>/demander/",
        fo_experts.area_expert_request,
        name="area_expert_request",
    ),
    path(
        "espace/evenements/<slug:slug>/experts/rendez-vous/<id:pk>/annuler/",
        fo_experts.area_expert_cancel,
        name="area_expert_cancel",
    ),
    path(
        "espace/evenements/<slug:slug>/expert/agenda/",
        fo_experts.expert_agenda,
        name="expert_agenda",
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
]
# Configurable registration form, convocation and check-in lookup
urlpatterns += [
    path(
        "evenements/<slug:slug>/inscription/champs-secteur/",
        fo_form.sector_fields,
        name="register_sector_fields",
    ),
    path(
        "espace/evenements/<slug:slug>/representants/<id:rep_pk>/",
        fo_form.area_representative,
        name="area_representative",
    ),
    path(
        "espace/evenements/<slug:slug>/convocation/",
        fo_form.area_convocation,
        name="area_convocation",
    ),
    path(
        "espace/evenements/<slug:slug>/convocation.pdf",
        fo_form.area_convocation_pdf,
        name="area_convocation_pdf",
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
        "backoffice/evenements/<id:pk>/checkin/<str:token>/",
        bo_form.checkin_lookup,
        name="bo_checkin",
    ),
    path(
        "backoffice/evenements/<id:pk>/convocations/<id:rep_pk>.pdf",
        bo_form.convocation_pdf,
        name="bo_convocation_pdf",
    ),
]
urlpatterns += [
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
]
# Validation of companies, representatives and offers
urlpatterns += [
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
        "espace/evenements/<slug:slug>/representants/nouveau/",
        fo_moderation.area_representative_new,
        name="area_representative_new",
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
urlpatterns += api_urlpatterns
