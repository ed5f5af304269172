"""Work lists kept a minute: the navbar's count of tasks, the "À faire" page and the
home page's lists, which an administrator computes over every Caf.

Each is cached per person and day under a generation that any change of what feeds them
(a follow-up, a deliberation, a signature, a party, a convention, a meeting: signals
connected in apps.py) moves on, at once and again on commit, so that a person never
sees their own action missing from the lists.
"""

from django.core.cache import cache
from django.db import transaction

SECONDS = 60
GENERATION_KEY = "work-lists:generation"


def cached(user, name, today, compute):
    """compute() from the cache while nothing that feeds the work lists has changed."""
    generation = cache.get_or_set(GENERATION_KEY, 0, timeout=None)
    key = f"work-lists:{name}:{user.pk}:{today.isoformat()}:{generation}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, SECONDS)
    return found


def changed(**kwargs):
    """A row that feeds someone's work lists changed: every cached list is stale, now and
    once committed (a list made by another request in between would be stale)."""
    _bump_generation()
    transaction.on_commit(_bump_generation)


def _bump_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
