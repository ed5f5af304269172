"""Demo data: two real CTG (Val d'Argent draft, Pays de Montbéliard signed) and demo users.

``load_demo()`` imports the territories (import_territories, its own
transaction), then creates or updates everything the demo needs, keyed on
natural keys, in one transaction: all or nothing. Running it again changes
nothing and duplicates nothing.
"""

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from actionplan import followup

from .builder import caf_of
from .common import Tally
from .pma import load_pma
from .pma_followup import load_follow_ups
from .pma_signing import sign
from .reference import load_reference
from .templates import load_templates
from .users import DEMO_PASSWORD, DEMO_USERS, load_users
from .val_d_argent import load_val_d_argent

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "load_demo"]


def load_demo(*, import_territories=True, stdout=None):
    """Load the demo; return (tally, conventions by reference, users by username)."""
    if import_territories:
        call_command("import_territories", stdout=stdout)
    tally = Tally()
    with transaction.atomic():
        themes, types = load_reference(tally)
        users = load_users(tally)
        haut_rhin, doubs = load_templates(tally, caf_of("68"), caf_of("25"))
        val_d_argent = load_val_d_argent(tally, template=haut_rhin, themes=themes)
        pma = load_pma(tally, template=doubs, themes=themes, types=types)
        sign(tally, pma, users["conseiller.doubs"])
        load_follow_ups(tally, pma, users["conseiller.doubs"])
        # Whatever the day, the quarter being filled is open, as beat would have opened it.
        opened = followup.open_quarter(*followup.current_quarter(timezone.localdate()))
        if opened:
            label = "suivis du trimestre en cours ouverts"
            tally.created[label] = tally.created.get(label, 0) + opened
    conventions = {c.reference: c for c in (val_d_argent, pma)}
    return tally, conventions, users
