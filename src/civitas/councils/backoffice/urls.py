from django.urls import path

from . import views as bo

urlpatterns = [
    path("backoffice/conseils/", bo.sitting_list, name="bo_sittings"),
    path("backoffice/conseils/nouvelle-seance/", bo.sitting_create, name="bo_sitting_new"),
    path("backoffice/conseils/seances/<id:pk>/", bo.sitting_detail, name="bo_sitting"),
    path("backoffice/conseils/seances/<id:pk>/modifier/", bo.sitting_edit, name="bo_sitting_edit"),
    path("backoffice/conseils/seances/<id:pk>/document/", bo.document_add, name="bo_document_add"),
    path(
        "backoffice/conseils/seances/<id:pk>/televersement/",
        bo.upload_start,
        name="bo_upload_start",
    ),
    path("backoffice/conseils/televersements/<uuid:pk>/", bo.upload_chunk, name="bo_upload"),
    path("backoffice/conseils/documents/<id:pk>/", bo.document_download, name="bo_document"),
    path(
        "backoffice/conseils/documents/<id:pk>/apercu.png",
        bo.document_preview,
        name="bo_document_preview",
    ),
    path(
        "backoffice/conseils/documents/<id:pk>/supprimer/",
        bo.document_delete,
        name="bo_document_delete",
    ),
    path("backoffice/conseils/seances/<id:pk>/envoyer/", bo.sitting_send, name="bo_send"),
    path("backoffice/conseils/seances/<id:pk>/traces.csv", bo.traces_csv, name="bo_traces_csv"),
    path("backoffice/conseils/envois/<id:pk>/papier/", bo.paper, name="bo_paper"),
    path("backoffice/conseils/envois/<id:pk>/preuve/", bo.proof_detail, name="bo_proof"),
    path("backoffice/conseils/envois/<id:pk>/sceller/", bo.proof_seal, name="bo_proof_seal"),
    path(
        "backoffice/conseils/destinataires/<id:pk>/attestation.pdf",
        bo.certificate,
        name="bo_certificate",
    ),
    path("backoffice/conseils/epci/", bo.epci_list, name="bo_epcis"),
    path("backoffice/conseils/epci/<id:pk>/", bo.epci_detail, name="bo_epci"),
    path(
        "backoffice/conseils/elus/<id:pk>/canal/", bo.official_channel, name="bo_official_channel"
    ),
]
