from .convention import convention_detail, convention_list
from .home import home

__all__ = ["convention_detail", "convention_list", "home"]
