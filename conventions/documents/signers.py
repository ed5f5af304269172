"""Who a signature's certificate names, and which certificates the Caf trusts.

A returned copy is recorded signer by signer: a signature counts for a signing person
only if it fills that person's field and its certificate names that person. Names are
compared folded (accents, case, hyphens and word order ignored): the certificate of
"Monsieur Jean-Marie DUPRÉ" may say "DUPRE Jean Marie" or "Jean-Marie Dupré (signature)".
"""

import functools
from pathlib import Path

from partners.collation import fold

CERTIFICATE_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def certificate_names(certificate):
    """The names an X.509 certificate (asn1crypto) gives its subject, and the subject."""
    subject = certificate.subject.native
    return {
        "common_name": _text(subject.get("common_name")),
        "given_name": _text(subject.get("given_name")),
        "surname": _text(subject.get("surname")),
        "subject": certificate.subject.human_friendly,
    }


def _text(value):
    # A name attribute may repeat: asn1crypto then gives a list.
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value)
    return str(value or "")


def names_person(names, first_name, last_name):
    """Whether the certificate's names are this person's, folded and in any order."""
    person = set(fold(f"{first_name} {last_name}").split())
    if not person:
        return False
    given = set(fold(f"{names.get('given_name', '')} {names.get('surname', '')}").split())
    if given and person == given:
        return True
    return person <= set(fold(names.get("common_name", "")).split())


@functools.cache
def trust_roots(folder):
    """The CA certificates (PEM or DER) of a folder, read once per process."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    if not folder:
        return ()
    roots = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in CERTIFICATE_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        if pem.detect(data):
            blocks = [
                der
                for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
        else:
            blocks = [data]
        roots.extend(asn1_x509.Certificate.load(block) for block in blocks)
    return tuple(roots)
