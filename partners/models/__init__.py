from .equipment import Equipment, EquipmentType
from .organisation import Department, Organisation, OrganisationKind
from .representative import Civility, Representative
from .user import Role, SentEmail, User

__all__ = [
    "Civility",
    "Department",
    "Equipment",
    "EquipmentType",
    "Organisation",
    "OrganisationKind",
    "Representative",
    "Role",
    "SentEmail",
    "User",
]
