"""What was read from a convention document, as plain JSON-safe data.

This is the contract between the reader (conventions/importing/reader.py), the
review page (every value editable), the command `import_convention --json` and
the service that creates the convention. Dates are ISO strings ("2023-01-01")
or None; nothing is guessed: a value that could not be read is None or empty
and a French line in `unread` says so.
"""

from dataclasses import asdict, dataclass, field, fields


@dataclass
class ReadRepresentative:
    civility: str = ""  # "M" or "MME" (partners.models.Civility), "" if unknown
    first_name: str = ""
    last_name: str = ""
    function: str = ""  # "Maire", "Président", "Directeur", "Président du Conseil d'Administration"
    # How the document states the authority to sign, e.g. "délibération de son conseil
    # municipal"; empty when the document says nothing.
    mandate: str = ""


@dataclass
class ReadParty:
    name: str = ""  # as written in the document: "La Commune de Arbouans"
    role: str = ""  # conventions.models.PartyRole value: caf, lead, co_signatory, partner
    kind: str = ""  # partners.models.OrganisationKind value: caf, epci, commune, syndicate...
    organisation_id: int | None = None  # matched Organisation, None when no match
    matched_name: str = ""  # the matched organisation's name in the reference data
    siren: str = ""  # of the matched organisation, "" when unknown
    short_name: str = ""  # "Ci-après dénommée « ... »", "" when not stated for this party
    competences: str = ""  # the party's own block of the competences article
    representatives: list[ReadRepresentative] = field(default_factory=list)


@dataclass
class ReadDeliberation:
    party: str = ""  # the party's name as in ReadParty.name ("" if not matched to a party)
    body: str = ""  # conventions.models.DeliberatingBody value
    date: str | None = None
    act_number: str = ""
    actes_id: str = ""
    text: str = ""  # the visa line it was read from


@dataclass
class ReadArticle:
    number: int = 0
    title: str = ""
    body: str = ""
    has_party_blocks: bool = False  # the article that carries each authority's competences


@dataclass
class ReadAnnex:
    number: int = 0
    title: str = ""
    body: str = ""


@dataclass
class ReadSheet:
    number: int = 0
    title: str = ""
    initial_diagnostic: str = ""
    target_public: str = ""
    operational_objectives: str = ""
    implementation: str = ""
    deadline_whole_period: bool = False  # "Sur la durée de la CTG"
    deadline: str | None = None  # a date when one is given
    deadline_text: str = ""  # the deadline as written
    pilot_services: str = ""  # "Services mobilisés et responsables de l'action"
    partners: str = ""  # "Partenaires sollicités"
    expected_results: str = ""
    indicators: list[str] = field(default_factory=list)
    territory: str = ""
    human_means: str = ""


@dataclass
class ReadObjective:
    number: int = 0
    title: str = ""
    sheets: list[ReadSheet] = field(default_factory=list)


@dataclass
class ReadAxis:
    number: int = 0
    title: str = ""
    objectives: list[ReadObjective] = field(default_factory=list)
    sheets: list[ReadSheet] = field(default_factory=list)  # sheets under no objective


@dataclass
class ReadCaf:
    name: str = ""  # "Caf du Doubs"
    department_code: str = ""  # "25"
    organisation_id: int | None = None


@dataclass
class ReadConvention:
    caf: ReadCaf = field(default_factory=ReadCaf)
    territory: str = ""  # "Pays de Montbéliard Agglomération"
    title: str = ""
    start_date: str | None = None
    end_date: str | None = None
    place_signed: str = ""  # "Montbéliard"
    signed_on: str | None = None  # "Fait à ..., le 21 novembre 2022"
    originals_count: int | None = None  # "en deux exemplaires originaux"
    parties: list[ReadParty] = field(default_factory=list)
    visas: list[str] = field(default_factory=list)  # legal references, deliberations excluded
    deliberations: list[ReadDeliberation] = field(default_factory=list)
    preamble: str = ""
    articles: list[ReadArticle] = field(default_factory=list)
    annexes: list[ReadAnnex] = field(default_factory=list)
    axes: list[ReadAxis] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # French: what could not be read
    warnings: list[str] = field(default_factory=list)  # French: read, but worth a look

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        return _build(cls, data)


_NESTED = {
    (ReadConvention, "caf"): ReadCaf,
    (ReadConvention, "parties"): [ReadParty],
    (ReadConvention, "deliberations"): [ReadDeliberation],
    (ReadConvention, "articles"): [ReadArticle],
    (ReadConvention, "annexes"): [ReadAnnex],
    (ReadConvention, "axes"): [ReadAxis],
    (ReadParty, "representatives"): [ReadRepresentative],
    (ReadAxis, "objectives"): [ReadObjective],
    (ReadAxis, "sheets"): [ReadSheet],
    (ReadObjective, "sheets"): [ReadSheet],
}


def _build(cls, data):
    """Rebuild nested dataclasses from `asdict` output, ignoring unknown keys."""
    values = {}
    for item in fields(cls):
        if item.name not in data:
            continue
        value = data[item.name]
        nested = _NESTED.get((cls, item.name))
        if isinstance(nested, list):
            value = [_build(nested[0], entry) for entry in value or []]
        elif nested is not None:
            value = _build(nested, value or {})
        values[item.name] = value
    return cls(**values)
