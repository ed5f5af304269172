"""The warm-up of a web process: templates compiled before the first request, no
database read, and an error never prevents start-up."""

import logging

from django.forms.renderers import get_default_renderer
from django.template import Engine, engines

from ctg import warmup


def cached_names(engine):
    loader = engine.template_loaders[0]
    return set(loader.get_template_cache)


def test_warm_up_compiles_the_templates_of_the_site_and_of_the_form_renderer():
    # No database marker: a query would raise inside warm_up(), which would then
    # compile nothing and return 0.
    site = engines["django"].engine
    forms = get_default_renderer().engine.engine
    # Emptied as in a new process: other tests may have drawn pages already.
    for engine in (site, forms):
        engine.template_loaders[0].reset()
    assert "base.html" not in cached_names(site)

    assert warmup.warm_up() > 300

    assert {"base.html", "admin/change_form.html", "conventions/convention_detail.html"} <= (
        cached_names(site)
    )
    assert {"django/forms/widgets/select.html", "admin/widgets/foreign_key_raw_id.html"} <= (
        cached_names(forms)
    )


def test_a_template_that_does_not_compile_is_logged_and_skipped(tmp_path, caplog):
    (tmp_path / "good.html").write_text("{{ title }}")
    (tmp_path / "broken.html").write_text("{% if %}")
    files = "django.template.loaders.filesystem.Loader"
    engine = Engine(dirs=[tmp_path], loaders=[("django.template.loaders.cached.Loader", [files])])

    with caplog.at_level(logging.WARNING, logger="ctg.warmup"):
        assert warmup.compile_templates(engine) == 1

    assert cached_names(engine) == {"good.html"}
    assert "broken.html" in caplog.text


def test_an_error_is_logged_never_raised(monkeypatch, caplog):
    def fail():
        raise RuntimeError("résolveur indisponible")

    monkeypatch.setattr(warmup, "fill_url_tables", fail)

    with caplog.at_level(logging.ERROR, logger="ctg.warmup"):
        assert warmup.warm_up() == 0

    assert "résolveur indisponible" in caplog.text
