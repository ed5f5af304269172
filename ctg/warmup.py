"""Work a web process does once at start-up instead of in its first requests.

A gunicorn worker's first request of a page compiled that page's templates (the cached
loader keeps them for the life of the process), loaded the translation catalogues, built
the URL resolver's tables and imported the template tag libraries: 0.6 to 1 s on top of the
page's own time, once per worker and per page, the p95 outliers of the page benchmark.
ctg/wsgi.py calls warm_up() once the application is loaded: in each gunicorn worker
before it serves (or once before the workers are forked, with --preload).

It reads no database. An error is logged, never raised: a process that could not warm up
serves as it did before, compiling on demand.
"""

import contextlib
import logging
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import formats, translation
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def warm_up():
    """Compiles every template, loads the default language and fills the URL tables;
    returns the number of templates compiled."""
    started = time.perf_counter()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            count = sum(compile_templates(engine) for engine in template_engines())
            fill_url_tables()
            load_lazy_parts()
    except Exception:
        logger.exception("Warming up the web process failed")
        return 0
    logger.info(
        "Web process warmed up: %d templates compiled in %.0f ms",
        count,
        (time.perf_counter() - started) * 1000,
    )
    return count


def template_engines():
    """The Django template engines the pages draw with: the site's, and the form
    renderer's own (Django's widgets and the admin's)."""
    backends = [*engines.all(), getattr(get_default_renderer(), "engine", None)]
    return [backend.engine for backend in backends if isinstance(backend, DjangoTemplates)]


def compile_templates(engine):
    """Puts every template its loaders can find in the engine's cached loader, under the
    name a page asks for; a file that is not a template is logged and skipped."""
    count = 0
    for name in sorted(_template_names(engine)):
        try:
            engine.get_template(name)
        except Exception as error:
            logger.warning("Warm-up: template %s not compiled (%s)", name, error)
        else:
            count += 1
    return count


def _template_names(engine):
    names = set()
    for loader in engine.template_loaders:
        for inner in getattr(loader, "loaders", [loader]):
            for directory in getattr(inner, "get_dirs", list)():
                root = Path(directory)
                names.update(
                    path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()
                )
    return names


def load_lazy_parts():
    """What Django imports or reads on first use: the context processors, the language's
    date and number formats, the messages' storage, the static files' manifest."""
    for engine in template_engines():
        engine.template_context_processors  # noqa: B018 (a cached property: imports them)
    formats.get_format("DATE_INPUT_FORMATS")
    import_string(settings.MESSAGE_STORAGE)
    staticfiles_storage.base_url  # noqa: B018 (a lazy object: reads the manifest)


def fill_url_tables(resolver=None, namespace=""):
    """Builds the resolver's reverse tables, and those reverse() builds for each namespace
    (the admin's, the API's) on its first use."""
    resolver = resolver or get_resolver()
    for name, (_, sub_resolver) in resolver.namespace_dict.items():
        prefix = f"{namespace}{name}:"
        url_name = next((key for key in sub_resolver.reverse_dict if isinstance(key, str)), None)
        if url_name is not None:
            # Arguments missing or not: the namespace's tables are built all the same.
            with contextlib.suppress(NoReverseMatch):
                reverse(prefix + url_name)
        fill_url_tables(sub_resolver, prefix)
