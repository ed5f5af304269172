"""Reference data: thematic fields (DOMAIN.md §1) and equipment types (annexe 2)."""

from conventions.models import Theme
from partners.models import EquipmentType

from .common import upsert

# (code, libellé), in the order the conventions list them.
THEMES = [
    ("petite-enfance", "Petite enfance"),
    ("enfance", "Enfance"),
    ("jeunesse", "Jeunesse"),
    ("parentalite", "Parentalité"),
    ("acces-aux-droits", "Accès aux droits et aux services"),
    ("inclusion-numerique", "Inclusion numérique"),
    ("avs", "Animation de la vie sociale"),
    ("logement", "Logement"),
    ("handicap", "Handicap"),
    ("accompagnement-social", "Accompagnement social / familles fragilisées"),
    ("equite-territoriale", "Équité territoriale"),
]

# (sigle, libellé): the structures a local authority supports, as annexe 2 lists them.
EQUIPMENT_TYPES = [
    ("EAJE", "Établissement d'accueil du jeune enfant"),
    ("MAM", "Maison d'assistants maternels"),
    ("RPE", "Relais petite enfance"),
    ("LAEP", "Lieu d'accueil enfants-parents"),
    ("ALSH", "Accueil de loisirs sans hébergement"),
    ("AJ", "Accueil de jeunes"),
    ("CLAS", "Contrat local d'accompagnement à la scolarité"),
    ("PIJ", "Point information jeunesse"),
    ("CS", "Centre social"),
    ("EVS", "Espace de vie sociale"),
    ("FS", "France Services"),
    ("ERE", "Espace de rencontre parents-enfants"),
]


def load_reference(tally):
    themes = {
        code: upsert(Theme, tally, code=code, defaults={"name": name, "position": position})
        for position, (code, name) in enumerate(THEMES, start=1)
    }
    types = {
        code: upsert(EquipmentType, tally, code=code, defaults={"name": name, "position": position})
        for position, (code, name) in enumerate(EQUIPMENT_TYPES, start=1)
    }
    return themes, types
