"""The 10 shipped Word letters (docxtpl). Staff edit them in Word and upload their version
in Documents > Templates with the same name and kind: that version is used instead."""

LETTERS = [
    ("accuse_reception", "Accusé de réception au signalant", "reporter"),
    ("information_parents", "Information des parents", "file"),
    ("transmission_service", "Transmission à un service", "file"),
    ("demande_evaluation", "Demande d'évaluation", "file"),
    ("signalement_parquet", "Signalement au procureur de la République", "file"),
    ("notification_evaluation", "Notification de l'issue de l'évaluation aux parents", "file"),
    ("cloture", "Clôture du dossier", "file"),
    ("reponse_d226_2_8", "Réponse à la demande du signalant (D226-2-8)", "reporter"),
    ("transmission_departement", "Transmission à un autre département", "file"),
    ("convocation_famille", "Convocation de la famille", "file"),
]
