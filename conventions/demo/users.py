"""One demo account per role. Demo only: never load these on a real server."""

from partners.models import Organisation, Role, User

from .builder import caf_of

DEMO_PASSWORD = "demo-ctg-2026"

# Cited by the README. "organisation" is how load_demo finds the account's
# organisation: a Caf by département, a local authority by SIREN or INSEE code.
DEMO_USERS = [
    {
        "username": "admin",
        "password": DEMO_PASSWORD,
        "role": Role.ADMINISTRATOR,
        "first_name": "Camille",
        "last_name": "Administratrice",
        "email": "admin@ctg-demo.example.org",
        "organisation": None,
        "description": "Administrateur (superutilisateur, site d'administration)",
    },
    {
        "username": "conseiller.hautrhin",
        "password": DEMO_PASSWORD,
        "role": Role.ADVISER,
        "first_name": "Claire",
        "last_name": "Schneider",
        "email": "conseiller.hautrhin@ctg-demo.example.org",
        "organisation": {"caf_department": "68"},
        "description": "Conseillère territoriale de la Caf du Haut-Rhin",
    },
    {
        "username": "conseiller.doubs",
        "password": DEMO_PASSWORD,
        "role": Role.ADVISER,
        "first_name": "Julien",
        "last_name": "Vuillemin",
        "email": "conseiller.doubs@ctg-demo.example.org",
        "organisation": {"caf_department": "25"},
        "description": "Conseiller territorial de la Caf du Doubs",
    },
    {
        "username": "cooperation.valdargent",
        "password": DEMO_PASSWORD,
        "role": Role.COOPERATION,
        "first_name": "Léa",
        "last_name": "Gaschy",
        "email": "cooperation.valdargent@ctg-demo.example.org",
        "organisation": {"siren": "246800395"},
        "description": "Chargée de coopération de la Communauté de communes du Val d'Argent",
    },
    {
        "username": "lecteur.valentigney",
        "password": DEMO_PASSWORD,
        "role": Role.READER,
        "first_name": "Marc",
        "last_name": "Girardot",
        "email": "lecteur.valentigney@ctg-demo.example.org",
        "organisation": {"insee_code": "25580"},
        "description": "Lecteur (élu) de la Commune de Valentigney",
    },
]


def _organisation(key):
    if key is None:
        return None
    if "caf_department" in key:
        return caf_of(key["caf_department"])
    return Organisation.objects.get(**key)


def load_users(tally):
    """Create the demo accounts that do not exist; return them by username.

    An account that exists is left as it is: a second run never resets anyone's
    password or rights (an administrator may have changed them, or a real person
    may use that name).
    """
    users = {}
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            is_admin = spec["role"] == Role.ADMINISTRATOR
            user = User(
                username=spec["username"],
                email=spec["email"],
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                role=spec["role"],
                organisation=_organisation(spec["organisation"]),
                is_staff=is_admin,
                is_superuser=is_admin,
            )
            user.set_password(spec["password"])
            user.full_clean()
            user.save()
            tally.add(User, created=True)
        users[spec["username"]] = user
    return users
