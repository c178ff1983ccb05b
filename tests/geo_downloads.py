# ruff: noqa: E501 -- the rows are a table: one row per line reads better than wrapped tuples
"""Files shaped like real downloads, made for the tests: IOM DTM exports for Haiti and Chad, HDX
HAPI's IDPs table, and a COD-AB tabular workbook for Haiti.

The quirks are those of the real files: a UTF-8 byte-order mark and an HXL row (DTM), admin
levels 0, 1 and 2 mixed, a row per displacement reason in mixed case, "Not available", two
operations in one country (Haiti's 2010 earthquake and its countrywide monitoring), rounds,
ISO2-style P-codes for a country whose COD uses ISO3 (Chad: TD0704 for TCD0704), rows of another
country, a HAPI CSV without an HXL row, COD sheets per level with French names and ALT names.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

DTM_HEADER = [
    "id",
    "operation",
    "admin0Name",
    "admin0Pcode",
    "admin1Name",
    "admin1Pcode",
    "admin2Name",
    "admin2Pcode",
    "adminLevel",
    "numPresentIdpInd",
    "reportingDate",
    "yearReportingDate",
    "monthReportingDate",
    "roundNumber",
    "displacementReason",
    "numberMales",
    "numberFemales",
    "idpOriginAdmin1Name",
    "assessmentType",
    "operationStatus",
]
DTM_TAGS = [
    "#id+code",
    "#operation+name",
    "#country+name",
    "#country+code",
    "#adm1+name",
    "#adm1+code",
    "#adm2+name",
    "#adm2+code",
    "#adm+level",
    "#affected+idps",
    "#date+reported",
    "#date+year",
    "#date+month",
    "#round+code",
    "#cause+type",
    "#affected+idps+m",
    "#affected+idps+f",
    "#adm1+name+origin",
    "#assessment+type",
    "#operation+status",
]

# (operation, country name, ISO3, adm1 name, adm1 code, adm2 name, adm2 code, level, idps,
#  date, round, reason)
HAITI_ROWS = [
    # The 2010 earthquake operation: departments only.
    ("Haiti Earthquake", "Haiti", "HTI", "West", "HT01", "", "", 1, "1200000", "2010-07-31", "1", "Natural disaster"),
    ("Haiti Earthquake", "Haiti", "HTI", "South-East", "HT02", "", "", 1, "95000", "2010-07-31", "1", "natural disaster"),
    ("Haiti Earthquake", "Haiti", "HTI", "West", "HT01", "", "", 1, "800000", "2011-01-31", "2", "Natural disaster"),
    # The same day as round 9 of the other operation, at another level: kept apart.
    ("Haiti Earthquake", "Haiti", "HTI", "South-East", "HT02", "", "", 1, "1200", "2024-12-31", "30", "Natural disaster"),
    # Countrywide monitoring, round 9: the national row, departments and communes.
    ("Countrywide monitoring", "Haiti", "HTI", "", "", "", "", 0, "700000", "2024-12-31", "9", "Violence"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "", "", 1, "500000", "2024-12-31", "9", "Violence"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "Petion-Ville", "HT0114", 2, "40000", "2024-12-31", "9", "Violence"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "Petion-Ville", "HT0114", 2, "1500", "2024-12-31", "9", "Natural disaster"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "Port-au-Prince", "HT0111", 2, "150000", "2024-12-31", "9", "violence"),
    ("Countrywide monitoring", "Haiti", "HTI", "Artibonite", "HT05", "Saint-Marc", "HT0531", 2, "Not available", "2024-12-31", "9", "Violence"),
    # Round 10: Saint-Marc enters, a reason figure is "Not available".
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "Petion-Ville", "HT0114", 2, "52000", "2025-06-30", "10", "VIOLENCE"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "Petion-Ville", "HT0114", 2, "Not available", "2025-06-30", "10", "Natural disaster"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "Port-au-Prince", "HT0111", 2, "161000", "2025-06-30", "10", "Violence"),
    ("Countrywide monitoring", "Haiti", "HTI", "Artibonite", "HT05", "Saint-Marc", "HT0531", 2, "33000", "2025-06-30", "10", "Violence"),
    ("Countrywide monitoring", "Haiti", "HTI", "West", "HT01", "", "", 1, "213000", "2025-06-30", "10", "Violence"),
    # Another country's rows, in the same download.
    ("Countrywide monitoring", "Dominican Republic", "DOM", "Distrito Nacional", "DO01", "", "", 1, "10", "2025-06-30", "1", "Violence"),
]  # fmt: skip

CHAD_ROWS = [
    ("Chad - Lac Province", "Chad", "TCD", "Lac", "TD07", "Fouli", "TD0704", 2, "25000", "2024-03-31", "20", "Conflict"),
    ("Chad - Lac Province", "Chad", "TCD", "Lac", "TD07", "Fouli", "TD0704", 2, "1200", "2024-03-31", "20", "Climate"),
    ("Chad - Lac Province", "Chad", "TCD", "Lac", "TD07", "Kaya", "TD0703", 2, "9000", "2024-03-31", "20", "conflict"),
    ("Chad - Lac Province", "Chad", "TCD", "Lac", "TD07", "", "", 1, "35200", "2024-03-31", "20", "Conflict"),
    ("Chad - Lac Province", "Chad", "TCD", "", "", "", "", 0, "35200", "2024-03-31", "20", "Conflict"),
]  # fmt: skip


def write_dtm(path: Path, rows: list[tuple]) -> Path:
    """A DTM export as HDX serves it: BOM, header, HXL row, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(DTM_HEADER)
    writer.writerow(DTM_TAGS)
    for i, (op, c0, iso3, n1, p1, n2, p2, level, idps, date, rnd, reason) in enumerate(rows, 1):
        writer.writerow(
            [i, op, c0, iso3, n1, p1, n2, p2, level, idps, f"{date}T00:00:00", date[:4],
             int(date[5:7]), rnd, reason, "", "Not available", "", "BA", "Active"]
        )  # fmt: skip
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


HAPI_HEADER = [
    "location_code",
    "location_name",
    "admin1_code",
    "admin1_name",
    "admin2_code",
    "admin2_name",
    "admin_level",
    "operation",
    "population",
    "reporting_round",
    "assessment_type",
    "reference_period_start",
    "reference_period_end",
]


def write_hapi(path: Path, rows: list[tuple]) -> Path:
    """HDX HAPI's IDPs table: a plain CSV, no HXL row, one row per area (reasons not split)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HAPI_HEADER)
    for op, c0, iso3, n1, p1, n2, p2, level, idps, date, rnd, _reason in rows:
        if idps == "Not available":
            continue
        writer.writerow(
            [iso3, c0, p1, n1, p2, n2, level, op, idps, rnd, "BA", f"{date[:8]}01", date]
        )
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def hapi_rows(rows: list[tuple]) -> list[tuple]:
    """HAPI (and the API's v2 files) sum the reasons of a DTM area and round: one row each."""
    summed: dict[tuple, list[int]] = {}
    for row in rows:
        figures = summed.setdefault(row[:8] + row[9:11], [])
        if row[8] != "Not available":
            figures.append(int(row[8]))
    return [(*k[:8], str(sum(v)), *k[8:], "") for k, v in summed.items() if v]


# The DTM API's fields (v2: `idpAdmin2`; v3 adds the reason, sex and origin), as the 2024 HDX
# pipeline published them (one file per admin level, HXL row) and as the API itself gives them.
API_FIELDS = {
    0: ["id", "operation", "admin0Name", "admin0Pcode"],
    1: ["id", "operation", "admin0Name", "admin0Pcode", "admin1Name", "admin1Pcode"],
    2: ["id", "operation", "admin0Name", "admin0Pcode", "admin1Name", "admin1Pcode",
        "admin2Name", "admin2Pcode"],
}  # fmt: skip
API_TAIL = ["numPresentIdpInd", "reportingDate", "yearReportingDate", "monthReportingDate",
            "roundNumber"]  # fmt: skip
V3_TAIL = ["displacementReason", "numberMales", "numberFemales", "idpOriginAdmin1Name",
           "idpOriginAdmin1Pcode", "assessmentType"]  # fmt: skip
LEVEL_TAGS = {
    "id": "#id+code", "operation": "#operation+name", "admin0Name": "#country+name",
    "admin0Pcode": "#country+code", "admin1Name": "#adm1+name", "admin1Pcode": "#adm1+code",
    "admin2Name": "#adm2+name", "admin2Pcode": "#adm2+code", "numPresentIdpInd": "#affected+idps",
    "reportingDate": "#date+reported", "yearReportingDate": "#date+year+reported",
    "monthReportingDate": "#date+month+reported", "roundNumber": "#round+code",
    "assessmentType": "#assessment+type",
}  # fmt: skip


def _record(i: int, row: tuple, fields: list[str], v3: bool) -> dict:
    op, c0, iso3, n1, p1, n2, p2, _level, idps, date, rnd, reason = row
    values = {
        "id": 9000 + i, "operation": op, "admin0Name": c0, "admin0Pcode": iso3,
        "admin1Name": n1, "admin1Pcode": p1, "admin2Name": n2, "admin2Pcode": p2,
        "numPresentIdpInd": int(idps) if idps != "Not available" else None,
        "reportingDate": f"{date}T00:00:00", "yearReportingDate": int(date[:4]),
        "monthReportingDate": int(date[5:7]), "roundNumber": int(rnd),
        "displacementReason": reason, "numberMales": None, "numberFemales": None,
        "idpOriginAdmin1Name": "Not available", "idpOriginAdmin1Pcode": "Not available",
        "assessmentType": "BA",
    }  # fmt: skip
    return {f: values[f] for f in fields}


def write_dtm_level(path: Path, rows: list[tuple], level: int, bom: bool = True) -> Path:
    """One of the 2024 HDX pipeline's files (`global-iom-dtm-from-api-adminN.csv`): the rows of
    one admin level, the reasons summed (no displacementReason, no adminLevel), an HXL row."""
    fields = [*API_FIELDS[level], *API_TAIL, "assessmentType"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    writer.writerow([LEVEL_TAGS[f] for f in fields])
    for i, row in enumerate(hapi_rows([r for r in rows if r[7] == level]), 1):
        record = _record(i, row, fields, False)
        writer.writerow(["" if v is None else v for v in record.values()])
    path.write_bytes(out.getvalue().encode("utf-8-sig" if bom else "utf-8"))
    return path


def write_dtm_api(path: Path, rows: list[tuple], level: int) -> Path:
    """The DTM API v3's `idpAdminN` records of one level, as the API gives them (.json:
    `{"result": [...]}`) or as `dtmapi`'s DataFrame saves them (.csv: `to_csv()`, the index
    as a first column without a header, no HXL row, null as an empty field)."""
    import json

    fields = [*API_FIELDS[level], *API_TAIL, *V3_TAIL]
    records = [_record(i, r, fields, True) for i, r in enumerate(rows, 1) if r[7] == level]
    if path.suffix == ".json":
        path.write_text(json.dumps({"result": records}), encoding="utf-8")
        return path
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["", *fields])
    for i, record in enumerate(records):
        writer.writerow([i, *("" if v is None else v for v in record.values())])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_haiti_cod(path: Path) -> Path:
    """A COD-AB tabular workbook for Haiti as HDX publishes it: a sheet per level."""
    import pandas as pd

    valid = "2020-07-27"
    adm1 = pd.DataFrame(
        {
            "ADM0_EN": "Haiti", "ADM0_FR": "Haïti", "ADM0_PCODE": "HT",
            "ADM1_EN": ["West", "Artibonite", "Grand'Anse"],
            "ADM1_FR": ["Ouest", "Artibonite", "Grand'Anse"],
            "ADM1_PCODE": ["HT01", "HT05", "HT08"], "validOn": valid,
        }
    )  # fmt: skip
    adm2 = pd.DataFrame(
        {
            "ADM0_EN": "Haiti", "ADM0_PCODE": "HT", "ADM1_EN": ["West", "West", "Artibonite"],
            "ADM1_FR": ["Ouest", "Ouest", "Artibonite"], "ADM1_PCODE": ["HT01", "HT01", "HT05"],
            "ADM2_EN": ["Petion-Ville", "Port-au-Prince", "Saint-Marc"],
            "ADM2_FR": ["Pétion-Ville", "Port-au-Prince", "Saint-Marc"],
            "ADM2ALT1FR": ["Pétionville", "", "Sen Mak"],
            "ADM2_PCODE": ["HT0114", "HT0111", "HT0531"], "validOn": valid,
        }
    )  # fmt: skip
    adm3 = pd.DataFrame(
        {
            "ADM1_PCODE": ["HT01", "HT01"], "ADM2_PCODE": ["HT0114", "HT0114"],
            "ADM2_FR": ["Pétion-Ville", "Pétion-Ville"],
            "ADM3_EN": ["1st Section Aux Cadets", "2nd Section Bellevue Chardonniere"],
            "ADM3_FR": ["1ère Section Aux Cadets", "2ème Section Bellevue Chardonnière"],
            "ADM3_PCODE": ["HT01141", "HT01142"], "validOn": valid,
        }
    )  # fmt: skip
    with pd.ExcelWriter(path) as writer:
        adm1.to_excel(writer, sheet_name="hti_adm1", index=False)
        adm2.to_excel(writer, sheet_name="hti_adm2", index=False)
        adm3.to_excel(writer, sheet_name="hti_adm3", index=False)
    return path


def write_workspace(root: Path, country: str, locale: str, extra: str = "") -> Path:
    """A small workspace of another country: settings and the three tables it requires."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "inputs").mkdir(exist_ok=True)
    (root / "sitrep.toml").write_text(
        f'[report]\ncountry = "{country}"\ncrisis = "Test"\nlocale = "{locale}"\n'
        "period_start = 2025-06-01\nfirst_report = 2025-07-01\n\n[inputs]\n"
        'displacement = "inputs/displacement.csv"\nblockades = "inputs/blockades.csv"\n'
        'routes = "inputs/routes.csv"\n' + extra,
        encoding="utf-8",
    )
    (root / "inputs" / "displacement.csv").write_text(
        "date,district,people,source\n", encoding="utf-8"
    )
    (root / "inputs" / "blockades.csv").write_text(
        "id,commodity,area,start_date,end_date,status,source\n", encoding="utf-8"
    )
    (root / "inputs" / "routes.csv").write_text(
        "route_id,route,status,since,source\n", encoding="utf-8"
    )
    return root
