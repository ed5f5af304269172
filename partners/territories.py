"""Import of the official French territories: départements, communes, EPCI and Cafs.

The data comes offline from the pinned npm package @etalab/decoupage-administratif
(see ``settings.TERRITORIES_DATA_DIR``): ``departements.json``, ``communes.json`` and
``epci.json``. The import is idempotent: existing rows are matched on their official
identifiers (département code, INSEE code, SIREN; Cafs on their département), only
changed rows are written, and nothing is ever duplicated.

Everything is written with ``bulk_create`` / ``bulk_update`` inside one transaction so
that the whole country imports in seconds. Bulk operations bypass model signals, hence
django-simple-history records no history for these rows: this is intended, the
reference data has its own history (the package version) and admins' later edits are
still tracked.
"""

import json
import logging
from collections import Counter
from pathlib import Path

from django.db import transaction

from partners.models import Department, Organisation, OrganisationKind
from partners.models.organisation import EpciKind

logger = logging.getLogger(__name__)

# Version of @etalab/decoupage-administratif the constants below describe (package.json).
PACKAGE_VERSION = "6.0.0"

# Package 6.0.0 is the 2026 millésime of the Code officiel géographique. Its
# "population" is the population municipale of the INSEE "Populations de référence
# 2023" (insee.fr/fr/statistiques/8680726), in force on 1 January 2026.
POPULATION_YEAR = 2023
# Except for Mayotte, whose figures come from the 2017 census (package README).
POPULATION_YEAR_BY_DEPARTMENT = {"976": 2017}

# Départements that have a Caf: metropolitan France and the five DROM (101). The
# collectivités d'outre-mer (975, 977, 978, 984, 986-989) are left out: they have no Caf
# and codes 98x are not valid département codes here. Their communes are still
# imported, without département nor population year (their censuses differ).
DEPARTMENT_ZONES = {"metro", "drom"}

COMMUNE_TYPE = "commune-actuelle"
DATA_FILES = ("departements.json", "communes.json", "epci.json")
BATCH_SIZE = 1000
EPCI_FIELDS = ["name", "epci_kind", "population", "population_year", "department_id"]
COMMUNE_FIELDS = ["name", "siren", "population", "population_year", "department_id", "epci_id"]


class TerritoriesDataError(Exception):
    """The reference data folder is missing or unreadable (message in French)."""


def caf_name(department: Department) -> str:
    """ "Caf du Haut-Rhin", "Caf des Bouches-du-Rhône", "Caf de l'Ain"."""
    return f"Caf {department.name_with_connector}"


def population_year(department_code: str | None) -> int | None:
    if department_code is None:
        return None
    return POPULATION_YEAR_BY_DEPARTMENT.get(department_code, POPULATION_YEAR)


def load_data(data_dir) -> tuple[list, list, list]:
    data_dir = Path(data_dir)
    missing = [name for name in DATA_FILES if not (data_dir / name).is_file()]
    if missing:
        raise TerritoriesDataError(
            f"Données territoriales introuvables dans « {data_dir} » "
            f"(fichiers manquants : {', '.join(missing)}). Lancez `npm install` pour "
            "installer le paquet @etalab/decoupage-administratif, ou indiquez le bon "
            "dossier avec --data-dir."
        )
    loaded = []
    for name in DATA_FILES:
        try:
            loaded.append(json.loads((data_dir / name).read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise TerritoriesDataError(
                f"Le fichier « {data_dir / name} » est illisible ({error}). Relancez `npm install`."
            ) from error
    _check_package_version(data_dir)
    return tuple(loaded)


def _check_package_version(data_dir: Path) -> None:
    package_json = data_dir.parent / "package.json"
    try:
        version = json.loads(package_json.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return
    if version and version != PACKAGE_VERSION:
        logger.warning(
            "Data package version %s differs from %s: check POPULATION_YEAR in %s.",
            version,
            PACKAGE_VERSION,
            __name__,
        )


def import_territories(data_dir) -> dict[str, int]:
    """Create or update départements, communes, EPCI and Cafs; return counts."""
    departments_data, communes_data, epcis_data = load_data(data_dir)
    communes_data = [row for row in communes_data if row.get("type") == COMMUNE_TYPE]
    counts: dict[str, int] = {}
    with transaction.atomic():
        departments = _import_departments(departments_data, counts)
        siren_owners = dict(Organisation.objects.exclude(siren=None).values_list("siren", "pk"))
        commune_departments = {row["code"]: row.get("departement") for row in communes_data}
        epci_ids, membership = _import_epcis(
            epcis_data, commune_departments, departments, siren_owners, counts
        )
        _import_communes(communes_data, departments, epci_ids, membership, siren_owners, counts)
        _import_cafs(departments, counts)
    return counts


def _upsert(new, changed, unique_field, fields, counts, prefix):
    """Insert new organisations and update changed ones in one upsert per batch.

    ``changed`` holds fresh instances (no primary key) carrying every field of ``fields``:
    the row is found through ``unique_field``. This is much faster than ``bulk_update``,
    whose CASE WHEN statements grow with the batch.
    """
    Organisation.objects.bulk_create(
        [*new, *changed],
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=[unique_field],
        update_fields=fields,
    )
    counts[f"{prefix}_created"] = len(new)
    counts[f"{prefix}_updated"] = len(changed)


def _differs(obj, values: dict) -> bool:
    return any(getattr(obj, field) != value for field, value in values.items())


def _import_departments(rows, counts) -> dict[str, Department]:
    existing = {department.code: department for department in Department.objects.all()}
    new, changed = [], []
    for row in rows:
        if row.get("zone") not in DEPARTMENT_ZONES:
            continue
        values = {"name": row["nom"], "linking_type": row.get("typeLiaison", 0)}
        department = existing.get(row["code"])
        if department is None:
            department = Department(code=row["code"], **values)
            existing[row["code"]] = department
            new.append(department)
        elif _differs(department, values):
            for field, value in values.items():
                setattr(department, field, value)
            changed.append(department)
    Department.objects.bulk_create(new)
    Department.objects.bulk_update(changed, ["name", "linking_type"])
    counts["departments_created"] = len(new)
    counts["departments_updated"] = len(changed)
    imported = {row["code"] for row in rows if row.get("zone") in DEPARTMENT_ZONES}
    # Reload to get primary keys on every backend.
    departments = {d.code: d for d in Department.objects.filter(code__in=imported)}
    counts["departments"] = len(departments)
    return departments


def _siren_is_free(siren, owner_pk, siren_owners, label) -> bool:
    holder = siren_owners.get(siren)
    if holder is None or holder == owner_pk:
        return True
    logger.warning("SIREN %s of %s already belongs to organisation #%s.", siren, label, holder)
    return False


def _import_epcis(rows, commune_departments, departments, siren_owners, counts):
    """Create or update EPCIs; return their ids by SIREN and commune -> EPCI SIREN."""
    epcis = Organisation.objects.epcis().exclude(siren=None).only("pk", "siren", *EPCI_FIELDS)
    existing = {epci.siren: epci for epci in epcis}
    membership: dict[str, str] = {}
    new, changed = [], []
    skipped = 0
    for row in rows:
        siren = row["code"]
        member_codes = [member["code"] for member in row.get("membres", [])]
        # Département of most members; ties go to the first member's département.
        majority = Counter(commune_departments.get(code) for code in member_codes)
        department = departments.get(majority.most_common(1)[0][0]) if majority else None
        values = {
            "name": row["nom"],
            "epci_kind": EpciKind(row["type"]).value,
            "population": row.get("populationMunicipale"),
            "population_year": population_year(department and department.code),
            "department_id": department and department.pk,
        }
        if values["population"] is None:
            values["population_year"] = None
        epci = existing.get(siren)
        if epci is None:
            if not _siren_is_free(siren, None, siren_owners, row["nom"]):
                # The SIREN is held by a non-EPCI organisation: an admin must fix its kind.
                skipped += 1
                continue
            new.append(Organisation(kind=OrganisationKind.EPCI, siren=siren, **values))
        elif _differs(epci, values):
            changed.append(Organisation(kind=OrganisationKind.EPCI, siren=siren, **values))
        for code in member_codes:
            if code in membership:
                logger.warning("Commune %s is listed in two EPCI.", code)
            membership[code] = siren
    _upsert(new, changed, "siren", EPCI_FIELDS, counts, "epcis")
    counts["epcis_skipped"] = skipped
    epci_ids = dict(
        Organisation.objects.epcis()
        .filter(siren__in=[row["code"] for row in rows])
        .values_list("siren", "pk")
    )
    for epci in new:
        siren_owners[epci.siren] = epci_ids[epci.siren]
    counts["epcis"] = len(epci_ids)
    return epci_ids, membership


def _import_communes(rows, departments, epci_ids, membership, siren_owners, counts):
    communes = Organisation.objects.communes().only("pk", "insee_code", *COMMUNE_FIELDS)
    by_insee, by_siren = {}, {}
    for commune in communes:
        if commune.insee_code:
            by_insee[commune.insee_code] = commune
        elif commune.siren:
            # Entered by hand before the import: adopt it through its SIREN.
            by_siren[commune.siren] = commune
    new, changed, adopted = [], [], []
    seen = set()
    detached = 0
    for row in rows:
        code = row["code"]
        seen.add(code)
        department = departments.get(row.get("departement"))
        population = row.get("population")
        values = {
            "name": row["nom"],
            "siren": None,
            "population": population,
            "population_year": (
                population_year(department and department.code) if population is not None else None
            ),
            "department_id": department and department.pk,
            "epci_id": epci_ids.get(membership.get(code)),
        }
        siren = row.get("siren")
        commune = by_insee.get(code) or (by_siren.pop(siren, None) if siren else None)
        if siren and _siren_is_free(siren, commune and commune.pk, siren_owners, code):
            values["siren"] = siren
        elif commune is not None:
            values["siren"] = commune.siren
        if commune is None:
            new.append(Organisation(kind=OrganisationKind.COMMUNE, insee_code=code, **values))
        elif commune.insee_code is None:
            for field, value in values.items():
                setattr(commune, field, value)
            commune.insee_code = code
            adopted.append(commune)
        elif _differs(commune, values):
            if commune.epci_id and values["epci_id"] is None:
                detached += 1
            changed.append(Organisation(kind=OrganisationKind.COMMUNE, insee_code=code, **values))
    _upsert(new, changed, "insee_code", COMMUNE_FIELDS, counts, "communes")
    Organisation.objects.bulk_update(adopted, [*COMMUNE_FIELDS, "insee_code"])
    counts["communes_updated"] += len(adopted)
    # Communes gone from the data (merged into a commune nouvelle) leave their EPCI too.
    gone = [c.pk for code, c in by_insee.items() if code not in seen and c.epci_id]
    for start in range(0, len(gone), BATCH_SIZE):
        Organisation.objects.filter(pk__in=gone[start : start + BATCH_SIZE]).update(epci=None)
    counts["communes_detached"] = detached + len(gone)
    counts["communes"] = len(seen)


def _import_cafs(departments, counts):
    """One Caf per département, found by (kind, département) so admins may rename it."""
    with_caf = set(
        Organisation.objects.cafs()
        .filter(department__in=departments.values())
        .values_list("department_id", flat=True)
    )
    new = [
        Organisation(kind=OrganisationKind.CAF, name=caf_name(department), department=department)
        for department in departments.values()
        if department.pk not in with_caf
    ]
    Organisation.objects.bulk_create(new)
    counts["cafs_created"] = len(new)
    counts["cafs"] = len(with_caf) + len(new)
