"""Whose name a signature's certificate carries, and the trust roots read from a folder."""

import datetime

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conventions.documents.signers import certificate_names, names_person, trust_roots


def certificate(*attributes):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes])
    now = datetime.datetime.now(datetime.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return built


def asn1(built):
    return asn1_x509.Certificate.load(built.public_bytes(serialization.Encoding.DER))


@pytest.mark.parametrize(
    "common_name",
    ["Jean-Marie DUPRÉ", "DUPRE Jean Marie", "Jean-Marie Dupré (signature)", "jean marie dupre"],
)
def test_a_certificate_names_the_person_whatever_the_case_accents_and_order(common_name):
    names = certificate_names(asn1(certificate((NameOID.COMMON_NAME, common_name))))
    assert names_person(names, "Jean-Marie", "DUPRÉ")


@pytest.mark.parametrize("common_name", ["Jean DUPRÉ", "Marie DUPRÉ", "Jean-Marie DUPONT", ""])
def test_another_persons_certificate_does_not_name_them(common_name):
    names = certificate_names(asn1(certificate((NameOID.COMMON_NAME, common_name or "Caf"))))
    assert not names_person(names, "Jean-Marie", "DUPRÉ")


def test_given_name_and_surname_count_when_the_common_name_is_a_role():
    names = certificate_names(
        asn1(
            certificate(
                (NameOID.COMMON_NAME, "Président de la Communauté de communes"),
                (NameOID.GIVEN_NAME, "Hélène"),
                (NameOID.SURNAME, "Müller"),
            )
        )
    )
    assert names["surname"] == "Müller"
    assert "Président" in names["subject"]
    assert names_person(names, "Helene", "MULLER")
    assert not names_person(names, "Hélène", "MARTIN")


def test_trust_roots_are_read_from_pem_and_der_files(tmp_path):
    first = certificate((NameOID.COMMON_NAME, "AC racine de test"))
    second = certificate((NameOID.COMMON_NAME, "AC intermédiaire de test"))
    (tmp_path / "bundle.pem").write_bytes(
        first.public_bytes(serialization.Encoding.PEM)
        + second.public_bytes(serialization.Encoding.PEM)
    )
    (tmp_path / "other.der").write_bytes(first.public_bytes(serialization.Encoding.DER))
    (tmp_path / "README.txt").write_text("not a certificate")
    roots = trust_roots(str(tmp_path))
    assert [root.subject.native["common_name"] for root in roots] == [
        "AC racine de test",
        "AC intermédiaire de test",
        "AC racine de test",
    ]
    assert trust_roots("") == ()
