from .amendment import (
    amendment_detail,
    amendment_edit,
    amendment_signature,
    amendment_transition,
)
from .convention import convention_detail, convention_list
from .creation import convention_create
from .deliberation import deliberation_detail, deliberation_form, deliberation_scan
from .home import home
from .lifecycle import (
    amend,
    convention_transition,
    record_signature,
    record_signed,
    renew,
    terminate,
)
from .parties import party_edit, party_list, party_move, party_remove
from .texts import edit_articles, edit_equipment, edit_general, edit_steering

__all__ = [
    "amendment_detail",
    "amendment_edit",
    "amendment_signature",
    "amendment_transition",
    "amend",
    "convention_transition",
    "deliberation_detail",
    "deliberation_form",
    "deliberation_scan",
    "edit_articles",
    "edit_equipment",
    "edit_general",
    "edit_steering",
    "record_signature",
    "record_signed",
    "renew",
    "terminate",
    "convention_create",
    "convention_detail",
    "convention_list",
    "home",
    "party_edit",
    "party_list",
    "party_move",
    "party_remove",
]
