from .perimeter import EPCI, Commune, Mandate, Official, RecipientList
from .sending import Delivery, Download, ProofBundle, Sending
from .sitting import Document, Sitting, Upload

__all__ = [
    "EPCI",
    "Commune",
    "Delivery",
    "Document",
    "Download",
    "Mandate",
    "Official",
    "ProofBundle",
    "RecipientList",
    "Sending",
    "Sitting",
    "Upload",
]
