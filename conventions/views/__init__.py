from .convention import convention_detail, convention_list
from .creation import convention_create
from .home import home

__all__ = ["convention_create", "convention_detail", "convention_list", "home"]
