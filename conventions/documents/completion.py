"""The certificate of completion: once every signing person has signed, one page that
says who signed, when, with which certificate, and the fingerprints of the document
issued and of the signed copies returned. Rendered on request from what is recorded;
nothing is stored."""

from django.utils import timezone

from conventions.models import Signature

from .pdf import html_to_pdf, render_html


def _how(signer):
    if signer is None:
        return "enregistrée sans exemplaire électronique"
    if signer.get("confirmed_by"):
        return (
            f"signature électronique confirmée par {signer['confirmed_by']} le "
            f"{signer['confirmed_on']}"
        )
    return "signature électronique, certificat au nom du signataire"


def completion_facts(document):
    convention, amendment = document.convention, document.amendment
    copies = list(document.signed_copies.order_by("uploaded_at"))
    signed_by = {}
    for copy in copies:
        for signer in copy.signers:
            signed_by.setdefault((signer["party"], signer["representative"]), signer)
    signatures = (
        Signature.objects.filter(party__convention=convention, amendment=amendment)
        .select_related("party__organisation", "representative")
        .order_by("party__position", "signed_on", "pk")
    )
    rows = []
    for signature in signatures:
        signer = signed_by.get((signature.party_id, signature.representative_id))
        rows.append(
            {
                "person": signature.representative.full_name,
                "role": signature.representative.role_title,
                "party": str(signature.party.organisation),
                "signed_on": signature.signed_on,
                "certificate": signer["certificate"] if signer else "",
                "how": _how(signer),
            }
        )
    subject = convention.title
    if amendment is not None:
        subject = f"Avenant n° {amendment.number} – {convention.title}"
    return {
        "title": f"Certificat de réalisation – {subject}",
        "running_title": subject,
        "version_label": "Certificat de réalisation des signatures",
        "is_project": False,
        "convention_title": subject,
        "caf_name": str(convention.caf),
        "document_label": document.label,
        "document_hash": document.file_hash,
        "copies": [
            {"hash": c.file_hash, "uploaded_at": timezone.localtime(c.uploaded_at)} for c in copies
        ],
        "signatures": rows,
        "signed_on": amendment.signed_on if amendment else convention.signed_on,
        "made_at": timezone.localtime(),
    }


def completion_pdf(document):
    html = render_html("documents/completion.html", completion_facts(document))
    return html_to_pdf(html, signature_boxes=False).data
