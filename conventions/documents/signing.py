"""Digital signature fields in the signed-ready PDF, and checks of a returned signed copy.

The signed-ready PDF carries one empty signature field per signing person,
named after them and placed in their box of the signature grid, so that each
can sign in a standard PDF reader; the printed boxes still serve for a paper
signature.

A returned copy is accepted only when:

- it begins with the exact bytes issued (signatures are incremental updates,
  so the issued revision is still there, unchanged);
- every signature is cryptographically valid and intact, sits in one of the
  issued fields, and covers at least the whole issued revision;
- nothing but form filling and signatures was added after the issued revision
  (pyHanko's difference analysis), so no text can be slipped in between.

- no certificate signs two people's fields.

Each signature is then recorded for its person only if its certificate names that
person and, when trust roots are configured (SIGNATURE_TRUST_ROOTS_DIR), chains to one
of them (revocation checked when reachable); otherwise it waits for the adviser to
confirm it, its certificate's subject shown (signed_copies.py). Without trust roots the
signatures are intact but their signers are not authenticated, and the page says so.
"""

from dataclasses import dataclass, field
from io import BytesIO

from django.utils import timezone

from .signers import certificate_names

MM = 72 / 25.4
# The signature area at the bottom of each box (templates/documents/print.css: .zone).
ZONE_INSET_X, ZONE_BOTTOM, ZONE_HEIGHT = 2.5 * MM, 2 * MM, 21 * MM


class SignedCopyRefused(Exception):
    """A returned PDF that cannot be accepted; the message is French and user-facing."""


def field_box(box):
    x1, y1, x2, _y2 = box
    return (
        round(x1 + ZONE_INSET_X),
        round(y1 + ZONE_BOTTOM),
        round(x2 - ZONE_INSET_X),
        round(y1 + ZONE_BOTTOM + ZONE_HEIGHT),
    )


def add_signature_fields(data, fields):
    """The PDF with one empty signature field per entry of fields (name, page, box)."""
    if not fields:
        return data
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(BytesIO(data))
    for entry in fields:
        append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=entry["name"],
                on_page=entry["page"],
                box=field_box(entry["box"]),
            ),
        )
    # SignaturesExist | AppendOnly, as signing will set them: readers then save by
    # appending, and the first signature does not change the issued form dictionary.
    from pyhanko.pdf_utils.generic import NameObject, NumberObject

    acroform = writer.root["/AcroForm"]
    acroform[NameObject("/SigFlags")] = NumberObject(3)
    writer.update_container(acroform)
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def signature_field_names(data):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(BytesIO(data))
    return [name for name, _value, _ref in enumerate_sig_fields(reader)]


@dataclass
class Verification:
    signers: list = field(default_factory=list)  # [{field, signer, certificate, signed_at...}]
    notes: list = field(default_factory=list)

    @property
    def report(self):
        lines = [
            f"{s['signer']} : signature valide ({s['certificate']}, "
            f"{'certificat reconnu' if s['trusted'] else 'certificat non reconnu'})"
            for s in self.signers
        ]
        return "\n".join(lines + self.notes)


# What a crafted or damaged file makes pyHanko, asn1crypto or the certificate
# validator raise while parsing: a refusal, never a server error.
CRAFTED_OR_CORRUPTED = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OverflowError,
)
UNREADABLE_SIGNATURE = (
    "Le PDF déposé ou sa signature électronique est illisible ou corrompu : il ne peut pas "
    "être vérifié. Déposez le fichier tel que le logiciel de signature l'a produit."
)


def verify_signed_copy(issued, returned, fields, *, trust_roots=(), fetch_revocation=False):
    """Check a returned PDF against the issued one; raise SignedCopyRefused with the reason."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
    from pyhanko.sign.diff_analysis.commons import SuspiciousModification
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    unreadable = (*CRAFTED_OR_CORRUPTED, PdfError)
    if not returned.startswith(b"%PDF"):
        raise SignedCopyRefused("Le fichier déposé n'est pas un PDF.")
    if not returned.startswith(issued):
        raise SignedCopyRefused(
            "Le contenu signé diffère du document émis : le fichier déposé ne reprend pas à "
            "l'identique le PDF prêt à signer (il a été modifié, réenregistré ou régénéré). "
            "Faites signer le document émis tel quel, sans l'ouvrir dans un logiciel qui le "
            "réécrit."
        )
    try:
        reader = PdfFileReader(BytesIO(returned))
        issued_revision = PdfFileReader(BytesIO(issued)).xrefs.total_revisions - 1
        signatures = list(reader.embedded_signatures)
    except unreadable as error:
        raise SignedCopyRefused(UNREADABLE_SIGNATURE) from error
    if not signatures:
        raise SignedCopyRefused(
            "Le fichier déposé ne contient aucune signature électronique : rien à enregistrer."
        )

    try:
        diff = DEFAULT_DIFF_POLICY.review_file(reader, issued_revision, doc_mdp=MDPPerm.FILL_FORMS)
    except unreadable as error:
        raise SignedCopyRefused(UNREADABLE_SIGNATURE) from error
    except SuspiciousModification as error:
        raise SignedCopyRefused(
            "Le contenu signé diffère du document émis : des modifications autres que des "
            "signatures ont été ajoutées au document après son émission."
        ) from error
    if isinstance(diff, SuspiciousModification) or diff.modification_level > (
        ModificationLevel.FORM_FILLING
    ):
        raise SignedCopyRefused(
            "Le contenu signé diffère du document émis : des modifications autres que des "
            "signatures ont été ajoutées au document après son émission."
        )

    by_name = {entry["name"]: entry for entry in fields}
    context = ValidationContext(
        trust_roots=list(trust_roots),
        allow_fetching=fetch_revocation,
        revocation_mode="soft-fail",
    )
    result = Verification()
    for signature in signatures:
        entry = by_name.get(signature.field_name)
        if entry is None:
            raise SignedCopyRefused(
                f"Une signature occupe le champ « {signature.field_name} », qui n'appartient "
                "pas au document émis."
            )
        try:
            status = validate_pdf_signature(signature, context)
        except unreadable as error:
            raise SignedCopyRefused(
                f"La signature de {entry['signer']} est illisible ou corrompue : elle ne peut "
                "pas être vérifiée."
            ) from error
        if not (status.intact and status.valid):
            raise SignedCopyRefused(
                f"La signature de {entry['signer']} n'est pas valide : le contenu a changé "
                "depuis la signature ou la signature est corrompue."
            )
        _start, _length, after, rest = signature.byte_range
        if after + rest < len(issued):
            raise SignedCopyRefused(
                f"La signature de {entry['signer']} ne couvre pas l'intégralité du document émis."
            )
        signed_at = status.signer_reported_dt
        names = certificate_names(status.signing_cert)
        result.signers.append(
            {
                "field": entry["name"],
                "signer": entry["signer"],
                "party": entry["party"],
                "representative": entry["representative"],
                "certificate": names["subject"],
                "names": names,
                "fingerprint": status.signing_cert.sha256.hex(),
                "trusted": bool(status.trusted),
                "signed_on": timezone.localdate(signed_at).isoformat() if signed_at else None,
            }
        )
    _refuse_shared_certificates(result.signers)
    unsigned = [
        entry["signer"]
        for entry in fields
        if entry["name"] not in {s["field"] for s in result.signers}
    ]
    if unsigned:
        result.notes.append(f"Signatures encore attendues : {len(unsigned)}.")
    return result


def _refuse_shared_certificates(signers):
    """One certificate on two people's fields: at most one of them signed it."""
    by_certificate = {}
    for signer in signers:
        by_certificate.setdefault(signer["fingerprint"], []).append(signer)
    for same in by_certificate.values():
        people = {s["representative"] for s in same}
        if len(people) > 1:
            names = " et ".join(s["signer"] for s in same)
            raise SignedCopyRefused(
                f"Un même certificat (« {same[0]['certificate']} ») a signé pour {names} : "
                "chaque personne signe avec son propre certificat."
            )
