from .amendment import Amendment, AmendmentState
from .convention import (
    Article,
    Convention,
    ConventionState,
    ConventionVersion,
    SteeringInstance,
    TerminationMode,
)
from .deliberation import DeliberatingBody, Deliberation, Outcome
from .party import Party, PartyRole
from .reference import ConventionTemplate, TemplateArticle, Theme
from .signature import Signature

__all__ = [
    "Amendment",
    "AmendmentState",
    "Article",
    "Convention",
    "ConventionState",
    "ConventionTemplate",
    "ConventionVersion",
    "DeliberatingBody",
    "Deliberation",
    "Outcome",
    "Party",
    "PartyRole",
    "Signature",
    "SteeringInstance",
    "TemplateArticle",
    "TerminationMode",
    "Theme",
]
