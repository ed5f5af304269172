from .amendment import Amendment, AmendmentState
from .caf_export import CafExport, CafExportFormat, CafExportKind, CafExportState
from .convention import (
    Article,
    Convention,
    ConventionState,
    ConventionVersion,
    SteeringInstance,
    TerminationMode,
)
from .deliberation import DeliberatingBody, Deliberation, Outcome
from .document import (
    SIGNED_READY_KINDS,
    Document,
    DocumentFormat,
    DocumentKind,
    DocumentState,
    SignedCopy,
)
from .importing import ConventionImport, ImportState
from .party import Party, PartyRole
from .reference import ConventionTemplate, TemplateArticle, Theme
from .signature import Signature

__all__ = [
    "Amendment",
    "AmendmentState",
    "Article",
    "CafExport",
    "CafExportFormat",
    "CafExportKind",
    "CafExportState",
    "Convention",
    "ConventionState",
    "ConventionImport",
    "ConventionTemplate",
    "ConventionVersion",
    "DeliberatingBody",
    "Deliberation",
    "Document",
    "DocumentFormat",
    "DocumentKind",
    "SIGNED_READY_KINDS",
    "DocumentState",
    "Outcome",
    "ImportState",
    "Party",
    "PartyRole",
    "Signature",
    "SignedCopy",
    "SteeringInstance",
    "TemplateArticle",
    "TerminationMode",
    "Theme",
]
