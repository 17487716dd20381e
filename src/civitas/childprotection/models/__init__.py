from .access import BreakGlass
from .child import Child, DeadlineAlert, Person, Sex, normalise_name
from .file import Assignment, File
from .letter import Letter
from .parameters import (
    PARAMETER_MODELS,
    Channel,
    Commune,
    ConclusionType,
    DangerType,
    FileType,
    LivingPlace,
    Relationship,
    Service,
    SocioProfessionalCategory,
    Source,
)
from .reporter import Reporter, ReporterRequest
from .statistics import OlinpeIdentifier

__all__ = [
    "PARAMETER_MODELS",
    "Assignment",
    "BreakGlass",
    "Channel",
    "Child",
    "Commune",
    "ConclusionType",
    "DangerType",
    "DeadlineAlert",
    "File",
    "FileType",
    "Letter",
    "LivingPlace",
    "OlinpeIdentifier",
    "Person",
    "Relationship",
    "Reporter",
    "ReporterRequest",
    "Service",
    "Sex",
    "SocioProfessionalCategory",
    "Source",
    "normalise_name",
]
