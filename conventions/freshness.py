"""What is kept in the cache, and how a change makes it stale at once.

Work lists kept a minute: the navbar's count of tasks, the "À faire" page and the home
page's lists, which an administrator computes over every Caf. Each is cached per person
and day under a generation that any change of what feeds them (a follow-up, a
deliberation, a signature, a party, a convention, a meeting: signals connected in
apps.py) moves on, at once and again on commit, so that a person never sees their own
action missing from the lists. An adviser's lists follow their Caf's own generation: a
change in another Caf leaves them in the cache.

A convention's plan pages (the dashboard, the plan's outline, the tracking table's
exports): heavy to draw for a plan of 120 actions and read far more often than written.
What they compute is cached under two generations, the convention's own and one for every
plan (moved by a change of what many plans show: an organisation's name, a theme). Any
row of the plan that changes moves its convention's generation, at once and again on
commit: a save or a deletion through the signals below (``connect()``), a bulk write by
an explicit ``plan_changed()`` where it is made (opening a quarter, validating in bulk,
renumbering, imports, amendments, copies, the national generator). The order makes a
stale page impossible: a reader takes the generations before reading the rows, so
whatever it computes from rows older than a commit is stored under a generation that the
commit has moved on. A generation missing from the cache (evicted, or a new cache) starts
from the clock, never from a value an older entry could carry.

Only with a cache that every process shares (``PLAN_CACHE``, on with ``CACHE_URL``): with
each process's own memory, a change made through one would not reach the others.
"""

import time
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

SECONDS = 60
# Moved by every change: the lists of administrators, chargés and readers (who may see
# the conventions of several Cafs).
GENERATION_KEY = "work-lists:generation"
# Moved by a change of one Caf's conventions: the lists of its advisers, which nothing of
# another Caf feeds; and, when the Caf of a change is not known, every Caf's.
CAF_KEY = "work-lists:generation:caf:{}"
EVERY_CAF_KEY = "work-lists:generation:every-caf"

# The rows that feed the work lists (signals connected in apps.py) and the ways from each
# to its convention, as PLAN_ROWS below.
WORK_ROWS = {
    "actionplan.FollowUp": [("action_sheet",)],
    "actionplan.ActionSheet": [()],
    "actionplan.Meeting": [()],
    "conventions.Convention": None,
    "conventions.Party": [()],
    "conventions.Deliberation": [("party",)],
    "conventions.Signature": [("party",)],
    "conventions.Amendment": [()],
}


def cached(user, name, today, compute):
    """compute() from the cache while nothing that feeds the work lists has changed."""
    key = f"work-lists:{name}:{user.pk}:{today.isoformat()}:{_work_generation(user)}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, SECONDS)
    return found


def _work_generation(user):
    if user.is_adviser and not user.is_administrator and user.organisation_id:
        keys = [EVERY_CAF_KEY, CAF_KEY.format(user.organisation_id)]
    else:
        keys = [GENERATION_KEY]
    # A cache that keeps nothing keeps no list either: any key will do.
    return _generations(keys) or ""


def changed(sender, instance, **kwargs):
    """A row that feeds someone's work lists changed: the lists of everyone who may see it
    are stale, now and once committed (a list made by another request in between would be
    stale). A convention's own change reaches every Caf's advisers: it may have moved from
    one Caf to another."""
    caf = None if sender._meta.label == "conventions.Convention" else _caf_of(instance)
    keys = (GENERATION_KEY, CAF_KEY.format(caf) if caf else EVERY_CAF_KEY)
    _bump_generation(keys)
    transaction.on_commit(partial(_bump_generation, keys))


def _caf_of(instance):
    convention_id = convention_of(instance, WORK_ROWS[instance._meta.label])
    if convention_id is None:
        return None
    conventions = apps.get_model("conventions", "Convention")._base_manager
    return conventions.filter(pk=convention_id).values_list("caf_id", flat=True).first()


def _bump_generation(keys):
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=None)


# -- A convention's plan pages ------------------------------------------------------------

PLAN_SECONDS = 600
ALL_PLANS_KEY = "plans:generation"


def _plan_key(convention_id):
    return f"plans:generation:{convention_id}"


def plan_cached(convention_id, name, compute):
    """compute() from the cache while nothing of the convention's plan has changed.

    ``name`` says what is computed and for whom (quarter, role), e.g.
    ``dashboard:2025-4:secret``; the convention and its generations complete the key."""
    if not settings.PLAN_CACHE:
        return compute()
    generations = _generations([ALL_PLANS_KEY, _plan_key(convention_id)])
    if generations is None:  # the cache keeps nothing now: no key could be trusted
        return compute()
    key = f"plans:{convention_id}:{name}:{generations}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, PLAN_SECONDS)
    return found


def plan_generation(convention_id):
    """The generations of the convention's plan, to be taken before its rows are read and
    given to plan_cached_many; None when nothing may be cached."""
    if not settings.PLAN_CACHE:
        return None
    return _generations([ALL_PLANS_KEY, _plan_key(convention_id)])


def plan_cached_many(convention_id, generation, computes):
    """{name: compute()} for each of ``computes`` ({name: compute}), from the cache while
    nothing of the convention's plan has changed since ``generation`` (plan_generation(),
    taken before reading what the computes draw): one read of the cache for them all."""
    if generation is None:
        return {name: compute() for name, compute in computes.items()}
    keys = {name: f"plans:{convention_id}:{name}:{generation}" for name in computes}
    stored = cache.get_many(list(keys.values()))
    found = {name: stored[key] for name, key in keys.items() if key in stored}
    missing = {name: compute() for name, compute in computes.items() if name not in found}
    if missing:
        cache.set_many({keys[name]: value for name, value in missing.items()}, PLAN_SECONDS)
    return found | missing


def _generations(keys):
    found = _read_generations(keys)
    return None if found is None else "-".join(str(found[key]) for key in keys)


def _read_generations(keys):
    """{key: generation} for these keys, in one read of the cache; a generation it lost
    (evicted, or a new cache) starts again from the clock, never from a value an older
    entry could carry. None when the cache keeps nothing now."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, time.time_ns(), timeout=None)
        found.update(cache.get_many(missing))
    if any(key not in found for key in keys):
        return None
    return found


def plan_changed(*convention_ids):
    """Rows of these conventions' plans changed: their cached pages are stale, now and
    once committed."""
    if not settings.PLAN_CACHE:
        return
    for convention_id in {pk for pk in convention_ids if pk is not None}:
        _bump_plan(_plan_key(convention_id))
        transaction.on_commit(partial(_bump_plan, _plan_key(convention_id)))


def all_plans_changed():
    """Something many plans show changed (an organisation's name, a theme), or rows were
    written without knowing their conventions: every cached plan page is stale."""
    if not settings.PLAN_CACHE:
        return
    _bump_plan(ALL_PLANS_KEY)
    transaction.on_commit(partial(_bump_plan, ALL_PLANS_KEY))


def _bump_plan(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, time.time_ns(), timeout=None)


# The rows the plan pages show, and the ways along foreign keys from each to its
# convention, the first one the row holds loaded taken (None: the convention itself).
PLAN_ROWS = {
    "conventions.Convention": None,
    "conventions.Party": [()],
    "actionplan.Axis": [()],
    "actionplan.ActionSheet": [()],
    "actionplan.Objective": [("axis",)],
    "actionplan.Indicator": [("action_sheet",)],
    "actionplan.Funding": [("action_sheet",)],
    "actionplan.FollowUp": [("action_sheet",)],
    "actionplan.IndicatorTarget": [("indicator", "action_sheet")],
    "actionplan.IndicatorValue": [("indicator", "action_sheet"), ("follow_up", "action_sheet")],
}
# Shown by many plans: a change of one makes them all stale.
SHARED_ROWS = ("partners.Organisation", "conventions.Theme")
# An action sheet's links to themes, partner parties and communes.
SHEET_LINKS = ("themes", "partner_parties", "communes")


def convention_of(instance, paths):
    """The id of the convention a plan row belongs to, read from the rows the instance
    already holds when it can (pages load them with it), else in one query."""
    if paths is None:
        return instance.pk
    for path in paths:
        row = instance
        for name in path:
            row = row._state.fields_cache.get(name)
            if row is None:
                break
        else:
            return row.convention_id
    path = paths[0]
    field = instance._meta.get_field(path[0])
    return (
        field.related_model._base_manager.filter(pk=getattr(instance, field.attname))
        .values_list("__".join([*path[1:], "convention_id"]), flat=True)
        .first()
    )


def _plan_row_changed(sender, instance, **kwargs):
    if settings.PLAN_CACHE and not kwargs.get("raw"):
        plan_changed(convention_of(instance, PLAN_ROWS[sender._meta.label]))


def _shared_row_changed(sender, instance, **kwargs):
    if not kwargs.get("raw"):
        all_plans_changed()


def _sheet_links_changed(sender, instance, action, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, apps.get_model("actionplan.ActionSheet")):
        plan_changed(instance.convention_id)
    else:  # from the other side (a theme's sheets): whichever sheets they are
        all_plans_changed()


def connect():
    for label in PLAN_ROWS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_plan_row_changed, sender=model, dispatch_uid=f"plans-{label}")
    for label in SHARED_ROWS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_shared_row_changed, sender=model, dispatch_uid=f"plans-{label}")
    sheet = apps.get_model("actionplan.ActionSheet")
    for name in SHEET_LINKS:
        through = getattr(sheet, name).through
        m2m_changed.connect(_sheet_links_changed, sender=through, dispatch_uid=f"plans-{name}")


def sheets_changed(sheet_ids):
    """Rows of these action sheets were written in bulk (no signal): their conventions'
    plans are stale."""
    if not settings.PLAN_CACHE:
        return
    sheets = apps.get_model("actionplan.ActionSheet")._base_manager
    plan_changed(
        *sheets.filter(pk__in=list(sheet_ids))
        .values_list("convention_id", flat=True)
        .distinct()
        .order_by()
    )


def rows_changed(rows):
    """Plan rows (of PLAN_ROWS) were written in bulk (no signal): their conventions' plans
    are stale."""
    if not settings.PLAN_CACHE:
        return
    plan_changed(*{convention_of(row, PLAN_ROWS[row._meta.label]) for row in rows})


def plans_cached(convention_ids, name, compute):
    """{convention id: value} for many conventions, each value kept under its convention's
    generations as plan_cached() keeps one, and for as long.

    A page listing a thousand conventions reads their generations in one call and their
    values in another: all of ``name`` are kept together, each with the generations it was
    computed under and when, so that one read brings them and those of conventions changed
    since (or too old) are told apart. ``compute(ids)`` gives {id: value} for every id
    asked, in one go (one grouped query); it is asked only for those. Two requests storing
    at once may each lose the other's values: they are computed again, never served stale.
    Without a shared cache, everything is computed."""
    convention_ids = list(dict.fromkeys(convention_ids))
    if not settings.PLAN_CACHE:
        return compute(convention_ids)
    generations = _plan_generations(convention_ids)
    if generations is None:  # the cache keeps nothing now: no key could be trusted
        return compute(convention_ids)
    key = f"plans:many:{name}"
    now = time.time()
    kept = cache.get(key) or {}
    found = {}
    for pk in convention_ids:
        generation, made, value = kept.get(pk, (None, 0, None))
        if generation == generations[pk] and now - made < PLAN_SECONDS:
            found[pk] = value
    missing = [pk for pk in convention_ids if pk not in found]
    if missing:
        computed = compute(missing)
        kept.update({pk: (generations[pk], now, computed[pk]) for pk in missing})
        cache.set(key, kept, PLAN_SECONDS)
        found.update(computed)
    return found


def _plan_generations(convention_ids):
    """{convention id: its generations, as plan_generation() gives them}, read together;
    None when the cache keeps nothing now."""
    found = _read_generations([ALL_PLANS_KEY, *(_plan_key(pk) for pk in convention_ids)])
    if found is None:
        return None
    return {pk: f"{found[ALL_PLANS_KEY]}-{found[_plan_key(pk)]}" for pk in convention_ids}
