"""Reading rules on small documents written block by block: wordings the two
references do not use."""

from conventions.importing.extract import Block
from conventions.importing.reader import read_convention


def heading(text):
    return Block(text=text, style="Heading 2")


def paragraph(text):
    return Block(text=text)


def convention(*parties, title="CONVENTION TERRITORIALE GLOBALE", articles=None, closing=None):
    blocks = [heading(title), paragraph("Entre :")]
    for index, party in enumerate(parties):
        if index:
            blocks.append(paragraph("Et :"))
        blocks.append(paragraph(party))
    blocks.append(paragraph("Il est convenu et arrêté ce qui suit :"))
    blocks.append(paragraph("Vu le Code général des collectivités territoriales ;"))
    blocks.append(
        paragraph(
            "Vu la délibération n° 2023-32 du conseil municipal de Gray en date du 5 avril 2023 ;"
        )
    )
    for article_title, body in articles or [("Article 1 - Objet", "Le projet.")]:
        blocks += [heading(article_title), paragraph(body)]
    blocks += [paragraph(line) for line in closing or ["Fait à Gray, le 2 mai 2023."]]
    return blocks


CAF = (
    "Entre : La Caisse d'Allocations Familiales de la Haute-Saône, représentée par "
    "Madame Claire DUBOIS, Directrice ;"
)
GRAY = "La Commune de Gray, représentée par Monsieur Jean DUPONT, Maire ;"


def test_party_in_the_entre_paragraph_and_function_after_the_name():
    read = read_convention(convention(CAF, GRAY))
    assert (read.caf.name, read.caf.department_code) == ("Caf de la Haute-Saône", "70")
    caf, gray = read.parties
    assert (caf.role, gray.role) == ("caf", "lead")
    dubois = caf.representatives[0]
    assert (dubois.civility, dubois.first_name, dubois.last_name, dubois.function) == (
        "MME",
        "Claire",
        "DUBOIS",
        "Directrice",
    )
    assert gray.representatives[0].function == "Maire"
    assert read.territory == "Commune de Gray"


def test_representative_without_a_name_is_listed_as_unread():
    read = read_convention(convention(CAF, "La Commune de Vesoul, représentée par son Maire ;"))
    assert read.parties[1].representatives == []
    assert "Représentant de la Commune de Vesoul non lu" in read.unread


def test_deliberation_with_act_number_and_date_in_words():
    read = read_convention(convention(CAF, GRAY))
    (deliberation,) = read.deliberations
    assert (deliberation.party, deliberation.body) == ("La Commune de Gray", "municipal_council")
    assert (deliberation.date, deliberation.act_number) == ("2023-04-05", "2023-32")
    assert read.visas == ["Vu le Code général des collectivités territoriales ;"]


def test_period_from_the_title_alone_is_read_with_a_warning():
    read = read_convention(convention(CAF, GRAY, title="CONVENTION TERRITORIALE GLOBALE 2024/2028"))
    assert (read.start_date, read.end_date) == ("2024-01-01", "2028-12-31")
    assert any("Période déduite du titre" in warning for warning in read.warnings)


def test_period_from_a_duration_in_years():
    articles = [
        ("Article premier : Objet", "Le projet."),
        ("Article 2 : Durée", "Conclue pour une durée de cinq ans à compter du 1er janvier 2024."),
    ]
    read = read_convention(convention(CAF, GRAY, articles=articles))
    assert [(a.number, a.title) for a in read.articles] == [(1, "Objet"), (2, "Durée")]
    assert (read.start_date, read.end_date) == ("2024-01-01", "2028-12-31")


def test_no_period_is_unread_not_guessed():
    read = read_convention(convention(CAF, GRAY))
    assert (read.start_date, read.end_date) == (None, None)
    assert any(line.startswith("Période de la convention non lue") for line in read.unread)


def test_blank_signature_date_is_unread_and_originals_in_words():
    closing = ["Fait à Vesoul, le ____", "En trois exemplaires originaux."]
    read = read_convention(convention(CAF, GRAY, closing=closing))
    assert (read.place_signed, read.signed_on, read.originals_count) == ("Vesoul", None, 3)
    assert "Date de signature non lue : « Fait à Vesoul, le ____ »" in read.unread


def test_articles_as_numbered_headings():
    blocks = [
        heading("CONVENTION TERRITORIALE GLOBALE"),
        paragraph("Entre :"),
        paragraph(CAF),
        paragraph("Et :"),
        paragraph(GRAY),
        heading("1. Objet de la convention"),
        paragraph("Le projet."),
        paragraph("1. Un point numéroté dans le texte"),
        heading("2. Durée"),
        paragraph("Du 01/01/2024 au 31/12/2028."),
    ]
    read = read_convention(blocks)
    assert [(a.number, a.title) for a in read.articles] == [
        (1, "Objet de la convention"),
        (2, "Durée"),
    ]
    assert read.articles[0].body == "Le projet.\n1. Un point numéroté dans le texte"


def test_competences_of_the_authority_go_to_the_lead():
    articles = [
        ("Article 1 - Les champs d'intervention de la Caf", "Ceux de la Caf."),
        ("Article 2 - Les champs d'intervention de la commune", "Petite enfance, jeunesse."),
    ]
    read = read_convention(convention(CAF, GRAY, articles=articles))
    assert [a.has_party_blocks for a in read.articles] == [False, True]
    assert read.parties[1].competences == "Petite enfance, jeunesse."
    assert read.parties[0].competences == ""
