"""Routes of the events front office (public pages and the participants' area), included by
civitas.events.urls (namespace "events")."""

from django.urls import path

from . import agendas as fo_agendas
from . import animations as fo_anim
from . import availability as fo_availability
from . import badge as fo_badge
from . import calendar as fo_calendar
from . import checkout as fo_checkout
from . import experts as fo_experts
from . import feedback as fo_feedback
from . import membership as fo_membership
from . import messaging as fo_msg
from . import moderation as fo_moderation
from . import regform_views as fo_form
from . import views as fo
from . import waitlist as fo_waitlist

urlpatterns = [
    path("evenements/", fo.event_list, name="event_list"),
    path("evenements/agenda/<str:token>.ics", fo.calendar_feed, name="calendar_feed"),
    # Public agenda: "agenda" is a reserved event slug (backoffice/forms.py), and a slug
    # never holds a dot, so neither route shadows an event page.
    path("evenements/agenda/", fo_calendar.agenda, name="public_agenda"),
    path("evenements/agenda.ics", fo_calendar.agenda_feed, name="public_agenda_feed"),
    path("evenements/<slug:slug>/", fo.event_page, name="event_page"),
    path("evenements/<slug:slug>/theme.css", fo.theme_css, name="theme_css"),
    path("evenements/<slug:slug>/inscription/", fo.register, name="register"),
    path("evenements/<slug:slug>/inscription/merci/", fo.register_done, name="register_done"),
    path("evenements/<slug:slug>/participants/", fo.catalogue, name="catalogue"),
    path("evenements/<slug:slug>/participants/<id:pk>/", fo.company_detail, name="company_detail"),
    path("espace/evenements/<slug:slug>/", fo.area_home, name="area_home"),
    path("espace/evenements/<slug:slug>/entreprise/", fo.area_company, name="area_company"),
    path(
        "espace/evenements/<slug:slug>/paiement/", fo_checkout.area_checkout, name="area_checkout"
    ),
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
    path(
        "espace/evenements/<slug:slug>/rejoindre/<str:token>/",
        fo_membership.join_company,
        name="area_join_company",
    ),
    # Agendas as PDF
    path("evenements/agenda/<str:token>.pdf", fo_agendas.agenda_pdf_link, name="agenda_pdf_link"),
    path(
        "espace/evenements/<slug:slug>/agenda.pdf",
        fo_agendas.area_agenda_pdf,
        name="area_agenda_pdf",
    ),
    # Animations (workshops, conferences, trainings, round tables)
    path(
        "espace/evenements/<slug:slug>/animations/", fo_anim.area_animations, name="area_animations"
    ),
    path(
        "espace/evenements/<slug:slug>/animations/<id:pk>/inscription/",
        fo_anim.area_animation_register,
        name="area_animation_register",
    ),
    path(
        "espace/evenements/<slug:slug>/animations/inscriptions/<id:pk>/quitter/",
        fo_anim.area_animation_leave,
        name="area_animation_leave",
    ),
    path(
        "espace/evenements/<slug:slug>/animations/inscriptions/<id:pk>/confirmer/",
        fo_anim.area_animation_confirm,
        name="area_animation_confirm",
    ),
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
    path(
        "espace/evenements/<slug:slug>/representants/nouveau/",
        fo_moderation.area_representative_new,
        name="area_representative_new",
    ),
]

# Feedback forms (frontoffice/feedback.py keeps its own routes).
urlpatterns += fo_feedback.urlpatterns
# Electronic badge and meetings held (frontoffice/badge.py keeps its own routes).
urlpatterns += fo_badge.urlpatterns
