"""Links of a table's rows, reversed once for the table."""

from django.urls import reverse

# Longer than any id (a bigint has 19 digits), so never found in a URL but where it was put.
_SLOT = 10**19


def row_links(name, *fixed, varying=1, current_app=None):
    """``reverse(name, args=[*fixed, *ids])`` as a function of the ids, for a table's rows:
    one reverse() for the table instead of one per row (each costs more than a row)."""
    slots = [str(_SLOT + n) for n in range(varying)]
    pattern = reverse(name, args=[*fixed, *slots], current_app=current_app)
    for n, slot in enumerate(slots):
        pattern = pattern.replace(slot, f"{{{n}}}")
    return pattern.format
