"""Benchmark: the PMA convention's PDF made by WeasyPrint (the application's renderer)
and by LibreOffice from the same print HTML, and from a DOCX of it.

Not a timed test, and nothing in the application depends on LibreOffice: it is
installed only to measure (``apt-get install -y --no-install-recommends
libreoffice-writer-nogui``). Prints a Markdown table of medians, wall and CPU time
(LibreOffice's CPU time is its process's, start-up included: each conversion starts
``soffice``, as a worker calling it would).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_documents \\
    .venv/bin/python benchmarks/compare_libreoffice.py [--repeat 5] [--keep DIR]

WeasyPrint is timed in this process, warm (imports and fonts loaded by a first
rendering, as in a worker), from the content to the PDF bytes: plain, then
signed-ready with its signature fields. LibreOffice converts the HTML the renderer
lays out (print.css inlined) and a DOCX LibreOffice made of it; the first
conversion of each (profile creation) is not counted. The demo must be loaded
(``load_demo``).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctg.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from conventions.documents import pdf, service  # noqa: E402
from conventions.models import Convention, Document, DocumentKind  # noqa: E402


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(function, repeat, warm_up=1):
    """Median wall and CPU seconds of function() over repeat runs after warm_up runs."""
    for _ in range(warm_up):
        function()
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu + children_cpu() - child)
    return statistics.median(walls), statistics.median(cpus)


def weasyprint_render(convention, kind):
    document = Document(convention=convention, kind=kind, version=convention.current_version)
    content, _digest = service.source_hash(document)
    _source, renderer = service._kind(document)
    return renderer(document, content)


def print_html(convention):
    """The HTML _render_convention lays out (print.css is inlined in it)."""
    captured = {}
    render_html = pdf.render_html

    def capture(template_name, doc):
        captured["html"] = render_html(template_name, doc)
        return captured["html"]

    pdf.render_html = capture
    try:
        weasyprint_render(convention, DocumentKind.CONVENTION)
    finally:
        pdf.render_html = render_html
    return captured["html"]


def soffice(soffice_path, profile, source, target_format, outdir):
    subprocess.run(
        [
            soffice_path,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def page_count(path):
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="mesures par ligne")
    parser.add_argument("--keep", help="dossier où garder le HTML et les PDF produits")
    args = parser.parse_args()
    soffice_path = shutil.which("soffice")
    if soffice_path is None:
        sys.exit(
            "LibreOffice est absent : apt-get install -y --no-install-recommends "
            "libreoffice-writer-nogui (pour la mesure seulement)."
        )
    convention = Convention.objects.filter(reference="pma-2023-2027").first()
    if convention is None:
        sys.exit("La convention PMA manque : python manage.py load_demo")

    work = Path(args.keep or tempfile.mkdtemp(prefix="ctg-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    profile = work / "libreoffice-profile"
    html = work / "pma.html"
    html.write_text(print_html(convention))
    rows = []
    try:
        for kind, label in (
            (DocumentKind.CONVENTION, "WeasyPrint, convention (en-têtes, n° de page, sommaire)"),
            (DocumentKind.SIGNED_READY, "WeasyPrint, prête à signer (+ 38 champs de signature)"),
        ):
            result = weasyprint_render(convention, kind)
            (work / f"weasyprint-{kind}.pdf").write_bytes(result.data)
            wall, cpu = timed(lambda kind=kind: weasyprint_render(convention, kind), args.repeat)
            rows.append((label, wall, cpu, result.page_count))

        html_out, docx_out = work / "from-html", work / "from-docx"
        wall, cpu = timed(
            lambda: soffice(soffice_path, profile, html, "pdf", html_out), args.repeat
        )
        rows.append(("LibreOffice, HTML → PDF", wall, cpu, page_count(html_out / "pma.pdf")))

        soffice(soffice_path, profile, html, "docx:MS Word 2007 XML", work)
        wall, cpu = timed(
            lambda: soffice(soffice_path, profile, work / "pma.docx", "pdf", docx_out),
            args.repeat,
        )
        rows.append(("LibreOffice, DOCX → PDF", wall, cpu, page_count(docx_out / "pma.pdf")))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()[0]
    print(f"PMA, médiane de {args.repeat} rendus (charge de la machine : {load:.1f})\n")
    print("| rendu | temps réel (s) | CPU (s) | pages |")
    print("|---|---|---|---|")
    for label, wall, cpu, pages in rows:
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {pages} |")
    if args.keep:
        print(f"\nFichiers gardés dans {work}")


if __name__ == "__main__":
    main()
