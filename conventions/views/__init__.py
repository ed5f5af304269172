from .convention import convention_detail, convention_list
from .creation import convention_create
from .home import home
from .parties import party_edit, party_list, party_move, party_remove

__all__ = [
    "convention_create",
    "convention_detail",
    "convention_list",
    "home",
    "party_edit",
    "party_list",
    "party_move",
    "party_remove",
]
