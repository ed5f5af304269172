"""System checks: what the PDF rendering needs from the operating system.

Without HarfBuzz's subsetting library WeasyPrint subsets fonts with fontTools (slower),
and without the Liberation fonts the documents fall back to other fonts and lay out
differently (one more page for the PMA convention, docs/performance.md)."""

import ctypes.util
import shutil
import subprocess

from django.core.checks import Warning, register

PACKAGES = "apt-get install libharfbuzz-subset0 fonts-liberation"


def _has_liberation_fonts():
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(
        ["fc-list", "Liberation Sans"], capture_output=True, text=True, timeout=10, check=False
    )
    return bool(found.stdout.strip())


@register()
def pdf_rendering_libraries(app_configs, **kwargs):
    warnings = []
    if ctypes.util.find_library("harfbuzz-subset") is None:
        warnings.append(
            Warning(
                "La bibliothèque libharfbuzz-subset est absente : les PDF sont produits plus "
                "lentement.",
                hint=PACKAGES,
                id="ctg.W001",
            )
        )
    if not _has_liberation_fonts():
        warnings.append(
            Warning(
                "Les polices Liberation sont absentes : les documents sont composés avec "
                "d'autres polices et leur mise en page change.",
                hint=PACKAGES,
                id="ctg.W002",
            )
        )
    return warnings
