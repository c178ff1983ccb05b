"""Write the sample workbook `inputs/sample-data.xlsx` (illustrative data, north-east Afghanistan,
15-24 August 2021) from the rows below. Run it after editing them: `python tools/make_sample.py`.

Figures from public reporting (the 23-24 Aug closures, the Andarab blockade, about 500 people
displaced to the Arzangan mountain area) are used as reported; every other figure is invented,
plausible and consistent across the tables. The report says the data is illustrative.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitrep.tableschema import SCHEMAS
from sitrep.workspace.workbook import write_workbook

D = dt.date
KI = "Illustrative: partner key informants"
OCHA = "Illustrative, after OCHA Afghanistan weekly update 16-22 Aug 2021"
NEWS = "Illustrative, after AFP and A. Saleh statements, 23-24 Aug 2021"


def displacement() -> list[dict]:
    rows = [
        # date, district, origin, destination, destination P-code, families, people, cause, source
        (
            D(2021, 8, 15),
            "AF0101",
            "Kabul city",
            "Bazarak",
            "AF0801",
            120,
            None,
            "Fear of reprisals after the fall of Kabul",
            KI,
        ),
        (
            D(2021, 8, 16),
            "AF0305",
            "Jabal Saraj",
            "Rukha",
            "AF0802",
            60,
            420,
            "Fear of reprisals",
            KI,
        ),
        (
            D(2021, 8, 17),
            "AF0301",
            "Charikar",
            "Bazarak",
            "AF0801",
            45,
            315,
            "Fear of reprisals",
            KI,
        ),
        (
            D(2021, 8, 18),
            "AF0912",
            "Pul-e-Hisar centre",
            "Pul-e-Khumri",
            "AF0901",
            150,
            1050,
            "Armed clashes",
            OCHA,
        ),
        (
            D(2021, 8, 19),
            "AF0908",
            "Deh Salah villages",
            "Pul-e-Khumri",
            "AF0901",
            90,
            630,
            "Armed clashes",
            OCHA,
        ),
        (D(2021, 8, 20), "AF0907", "Banu", "Khinjan", "AF0906", 200, 1400, "Armed clashes", OCHA),
        (
            D(2021, 8, 21),
            "AF0907",
            "Banu and nearby villages",
            "Side valleys of Andarab",
            None,
            300,
            2100,
            "Armed clashes",
            OCHA,
        ),
        (
            D(2021, 8, 21),
            "AF0908",
            "Deh Salah villages",
            "Pul-e-Khumri",
            "AF0901",
            80,
            560,
            "Armed clashes",
            OCHA,
        ),
        (
            D(2021, 8, 22),
            "AF0907",
            "Andarab villages",
            "Mountains around the valley",
            None,
            350,
            2450,
            "House searches and blockade",
            KI,
        ),
        (
            D(2021, 8, 22),
            "AF0912",
            "Pul-e-Hisar villages",
            "Pul-e-Khumri",
            "AF0901",
            110,
            None,
            "Armed clashes",
            KI,
        ),
        (
            D(2021, 8, 23),
            "AF0907",
            "Andarab villages",
            "Mountains around the valley",
            None,
            450,
            3150,
            "House searches and blockade",
            NEWS,
        ),
        (
            D(2021, 8, 23),
            "AF0908",
            "Deh Salah villages",
            "Arzangan mountain area",
            None,
            70,
            500,
            "Armed clashes",
            "Illustrative, after OCHA Afghanistan weekly update 23-29 Aug 2021",
        ),
        (
            D(2021, 8, 23),
            "AF0802",
            "Rukha",
            "Bazarak",
            "AF0801",
            100,
            700,
            "Forces massing at the valley entrance",
            KI,
        ),
        (
            D(2021, 8, 24),
            "AF0907",
            "Andarab villages",
            "Mountains around the valley",
            None,
            500,
            3500,
            "House searches and blockade",
            NEWS,
        ),
        (
            D(2021, 8, 24),
            "AF0802",
            "Rukha",
            "Khenj",
            "AF0804",
            150,
            1050,
            "Forces massing at the valley entrance",
            KI,
        ),
    ]
    keys = (
        "date",
        "district",
        "origin",
        "destination",
        "destination_pcode",
        "families",
        "people",
        "cause",
        "source",
    )
    return [{"id": f"D{i:03d}", **dict(zip(keys, r, strict=True))} for i, r in enumerate(rows, 1)]


def blockades() -> list[dict]:
    rows = [
        (
            "B01",
            "food",
            "AF0907",
            "Andarab valley (Banu)",
            "Taliban",
            D(2021, 8, 21),
            None,
            65000,
            "ongoing",
            D(2021, 8, 24),  # confirmed by the day's reports ("for the fourth day")
            NEWS,
        ),
        (
            "B02",
            "fuel",
            "AF0907",
            "Andarab valley (Banu)",
            "Taliban",
            D(2021, 8, 21),
            None,
            65000,
            "ongoing",
            D(2021, 8, 24),  # confirmed by the day's reports ("for the fourth day")
            NEWS,
        ),
        (
            "B03",
            "fuel",
            "AF0901",
            "Pul-e-Khumri fuel depots",
            "Taliban checkpoint",
            D(2021, 8, 16),
            D(2021, 8, 19),
            20000,
            "lifted",
            None,
            KI,
        ),
        (
            "B04",
            "fuel",
            "AF08",
            "Panjshir valley, from Gulbahar",
            "Taliban",
            D(2021, 8, 23),
            None,
            170000,
            "ongoing",
            None,
            NEWS,
        ),
        (
            "B05",
            "food",
            "AF0908",
            "Deh Salah",
            "Taliban",
            D(2021, 8, 24),
            None,
            30000,
            "ongoing",
            None,
            KI,
        ),
    ]
    keys = tuple(c.name for c in SCHEMAS["blockades"].columns)
    return [dict(zip(keys, r, strict=True)) for r in rows]


def routes() -> list[dict]:
    kabul = ("R01", "Salang highway, south", "Kabul", "Jabal Saraj", "Charikar")
    salang = (
        "R02",
        "Salang highway, pass and tunnel",
        "Jabal Saraj",
        "Pul-e-Khumri",
        "Salang pass; Khinjan; Doshi",
    )
    andarab = ("R03", "Andarab road", "Doshi", "Pul-e-Hisar", "Banu; Deh Salah")
    panjshir = ("R04", "Panjshir valley road", "Gulbahar", "Paryan", "Rukha; Bazarak; Khenj")
    anjuman = ("R05", "Anjuman pass road", "Paryan", "Badakhshan", "Kotal-e Anjuman")
    rows = [
        # the last column: the day the status was last confirmed (blank: only on `since`)
        (*kabul, "open with restrictions", "checkpoint", D(2021, 8, 15), KI, D(2021, 8, 23)),
        (*salang, "open with restrictions", "checkpoint", D(2021, 8, 15), KI, None),
        (*salang, "closed", "closure by armed group", D(2021, 8, 23), NEWS, D(2021, 8, 24)),
        (*andarab, "open", "none", D(2021, 8, 15), KI, None),
        (*andarab, "restricted", "insecurity/hostilities", D(2021, 8, 17), OCHA, None),
        (*andarab, "closed", "closure by armed group", D(2021, 8, 21), NEWS, D(2021, 8, 24)),
        (*panjshir, "open", "none", D(2021, 8, 15), KI, None),
        (*panjshir, "restricted", "checkpoint", D(2021, 8, 23), NEWS, None),
        (*panjshir, "closed", "closure by armed group", D(2021, 8, 24), NEWS, None),
        (*anjuman, "open with restrictions", "damage/landslide/snow", D(2021, 8, 15), KI, None),
        (*anjuman, "unknown", None, D(2021, 8, 22), KI, None),
    ]
    keys = ("route_id", "route", "from", "to", "via", "status", "constraint", "since", "source")
    keys += ("verified",)
    return [dict(zip(keys, r, strict=True)) for r in rows]


def idps() -> list[dict]:
    """IDPs present (a stock), as a DTM-style baseline assessment would give them."""
    source = "Illustrative, DTM-style baseline assessment"
    rows = [
        ("AF0901", 18500),
        ("AF0907", 2300),
        ("AF0908", 1100),
        ("AF0912", 900),
        ("AF0801", 1200),
        ("AF0802", 600),
        ("AF0301", 4200),
    ]
    return [
        {
            "date": D(2021, 6, 30),
            "area": pcode,
            "idps": n,
            "round": "13",
            "reason": "Conflict",
            "source": source,
        }
        for pcode, n in rows
    ]


def prices() -> list[dict]:
    """Retail prices in two markets: Banu (inside the blockade) and Pul-e-Khumri."""
    source = "Illustrative market monitoring"
    series = {
        ("Banu", "AF0907", "food", "Wheat flour", "49 kg bag"): [
            (15, 2000),
            (18, 2050),
            (21, 2100),
            (22, 2250),
            (23, 2400),
            (24, 2700),
        ],
        ("Banu", "AF0907", "fuel", "Diesel", "litre"): [
            (15, 55),
            (18, 56),
            (21, 60),
            (22, 68),
            (23, 75),
            (24, 90),
        ],
        ("Pul-e-Khumri", "AF0901", "food", "Wheat flour", "49 kg bag"): [
            (15, 1950),
            (18, 1950),
            (21, 1980),
            (24, 2050),
        ],
        ("Pul-e-Khumri", "AF0901", "fuel", "Diesel", "litre"): [
            (15, 56),
            (16, 64),
            (18, 70),
            (20, 58),
            (23, 60),
            (24, 62),
        ],
    }
    return [
        {
            "date": D(2021, 8, day),
            "market": market,
            "area": area,
            "commodity": commodity,
            "item": item,
            "unit": unit,
            "price": price,
            "currency": "AFN",
            "source": source,
        }
        for (market, area, commodity, item, unit), points in series.items()
        for day, price in points
    ]


def places() -> list[dict]:
    """Places for the schematic access map (approximate coordinates, Dari names), and the
    sample's names of admin areas."""
    rows = [
        ("Kabul", "AF01", 34.53, 69.17, "city", "کابل"),
        ("Charikar", "AF0301", 35.01, 69.17, "town", "چاریکار"),
        ("Jabal Saraj", "AF0305", 35.12, 69.24, "town", "جبل السراج"),
        ("Gulbahar", None, 35.16, 69.29, "checkpoint", "گلبهار"),
        ("Salang pass", "AF0306", 35.32, 69.03, "pass", "کتل سالنگ"),
        ("Khinjan", "AF0906", 35.59, 68.90, "town", "خنجان"),
        ("Doshi", "AF0903", 35.62, 68.68, "town", "دوشی"),
        ("Pul-e-Khumri", "AF0901", 35.94, 68.71, "city", "پل خمری"),
        ("Banu", "AF0907", 35.64, 69.26, "town", "بانو"),
        ("Deh Salah", "AF0908", 35.69, 69.36, "town", "ده صلاح"),
        ("Pul-e-Hisar", "AF0912", 35.64, 69.55, "town", "پل حصار"),
        ("Bazarak", "AF0801", 35.31, 69.52, "town", "بازارک"),
        ("Rukha", "AF0802", 35.20, 69.45, "town", "رخه"),
        ("Anawa", "AF0805", 35.25, 69.45, "town", "عنابه"),
        ("Khenj", "AF0804", 35.43, 69.73, "town", "خنج"),
        ("Paryan", "AF0807", 35.55, 70.00, "town", "پریان"),
        ("Kotal-e Anjuman", "AF0807", 35.95, 70.40, "pass", "کتل انجمن"),
        ("Badakhshan", "AF17", 36.10, 70.60, "province", "بدخشان"),
    ]
    # Areas in the sample's own spelling, with the names people use for them: the global
    # P-code list has one name per area, these rows add the rest (no coordinates needed).
    areas = [
        ("Wardak", "AF04", None, None, "province", None, "Maidan Wardak"),
        ("Panjsher", "AF08", None, None, "province", None, "Panjshir;Panjsheer;Panjshir valley"),
        ("Bamyan", "AF10", None, None, "province", None, "Bamiyan"),
        ("Paktya", "AF13", None, None, "province", None, "Paktia"),
        ("Nuristan", "AF16", None, None, "province", None, "Nooristan"),
        ("Sar-e-Pul", "AF22", None, None, "province", None, "Sar-e-Pol;Sari Pul"),
        ("Daykundi", "AF24", None, None, "province", None, "Daikundi"),
        ("Uruzgan", "AF25", None, None, "province", None, "Oruzgan"),
        ("Jawzjan", "AF28", None, None, "province", None, "Jowzjan"),
        ("Helmand", "AF30", None, None, "province", None, None),
        ("Herat", "AF32", None, None, "province", None, None),
        ("Kabul city", "AF0101", None, None, "district", None, "Kabul district"),
        ("Jabal Saraj", "AF0305", None, None, "district", None, "Jabalussaraj;Jabal-us-Saraj"),
        ("Ghorband", "AF0307", None, None, "district", None, "Shinwari"),
        ("Rukha", "AF0802", None, None, "district", None, "Rokha"),
        ("Dara", "AF0803", None, None, "district", None, "Dara-e-Hazara"),
        ("Khenj", "AF0804", None, None, "district", None, "Hisa-e-Awal;Khinj"),
        ("Anawa", "AF0805", None, None, "district", None, "Onaba;Unaba"),
        ("Pul-e-Khumri", "AF0901", None, None, "district", None, "Puli Khumri;Pol-e-Khomri"),
        ("Dahana-e-Ghori", "AF0902", None, None, "district", None, "Dahana-i-Ghori"),
        ("Doshi", "AF0903", None, None, "district", None, "Dushi"),
        ("Nahrin", "AF0904", None, None, "district", None, "Nahreen"),
        ("Baghlan-e-Jadid", "AF0905", None, None, "district", None, "Baghlan-i-Jadid"),
        ("Khinjan", "AF0906", None, None, "district", None, "Khenjan"),
        ("Andarab", "AF0907", None, None, "district", None, "Banu;Bano"),
        ("Deh Salah", "AF0908", None, None, "district", None, "Dih Salah;Salah"),
        ("Khwaja Hejran", "AF0909", None, None, "district", None, "Jelga;Khost-e-Jelga"),
        (
            "Pul-e-Hisar",
            "AF0912",
            None,
            None,
            "district",
            None,
            "Puli Hisar;Pul-e-Hesar;Pol-e-Hesar",
        ),
    ]
    keys = ("name", "pcode", "lat", "lon", "type", "name_local", "aliases")
    return [dict(zip(keys, (*r, None), strict=True)) for r in rows] + [
        dict(zip(keys, r, strict=True)) for r in areas
    ]


def contacts() -> list[dict]:
    return [
        {
            "name": "Sample Head of Office",
            "title": "Head of Office",
            "organisation": "Illustrative IM office",
            "email": "head.office@example.org",
            "phone": "+93 700 000 001",
        },
        {
            "name": "Sample IM Officer",
            "title": "Information Management Officer",
            "organisation": "Illustrative IM office",
            "email": "imo@example.org",
            "phone": None,
        },
    ]


def partners() -> list[dict]:
    rows = [
        (
            "Food Security Cluster focal point",
            "fsc@example.org",
            "FSC (illustrative)",
            "cluster-leads; baghlan",
            "attach",
            "en",
            "yes",
        ),
        (
            "Logistics Cluster focal point",
            "logs@example.org",
            "Logistics Cluster (illustrative)",
            "cluster-leads",
            "attach",
            "en",
            "yes",
        ),
        (
            "Protection Cluster focal point",
            "protection@example.org",
            "Protection (illustrative)",
            "cluster-leads, panjshir",
            "link",
            "en",
            "yes",
        ),
        (
            "Baghlan NGO forum",
            "baghlan.forum@example.org",
            "NGO forum (illustrative)",
            "baghlan",
            "attach",
            "en",
            "yes",
        ),
        (
            "Panjshir area team",
            "panjshir.team@example.org",
            "Area team (illustrative)",
            "panjshir",
            "attach",
            "en",
            "yes",
        ),
        (
            "Donor liaison",
            "donors@example.org",
            "Donor group (illustrative)",
            "donors",
            "attach",
            "en",
            "no",
        ),
    ]
    keys = ("name", "email", "organisation", "lists", "format", "language", "active")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def indicators() -> list[dict]:
    """Two indicators declared in sitrep.toml: people sheltering in the mountains (a stock,
    with a sex and age breakdown) and security incidents affecting civilians (a flow)."""
    mountains = "Illustrative, after public reporting of families fleeing to the mountains"
    incidents = "Illustrative, partner incident log"
    rows = [
        # indicator, date, area, value, women, men, girls, boys, source
        ("people_in_mountains", D(2021, 8, 21), "AF0907", 3500, 1100, 600, 950, 850, mountains),
        ("people_in_mountains", D(2021, 8, 22), "AF0907", 6200, 1950, 1050, 1700, 1500, mountains),
        ("people_in_mountains", D(2021, 8, 23), "AF0908", 500, None, None, None, None, mountains),
        ("people_in_mountains", D(2021, 8, 24), "AF0907", 8400, 2600, 1500, 2300, 2000, mountains),
        ("security_incidents", D(2021, 8, 18), "AF0912", 3, None, None, None, None, incidents),
        ("security_incidents", D(2021, 8, 20), "AF0907", 4, None, None, None, None, incidents),
        ("security_incidents", D(2021, 8, 21), "AF0908", 2, None, None, None, None, incidents),
        ("security_incidents", D(2021, 8, 23), "AF0907", 5, None, None, None, None, incidents),
        ("security_incidents", D(2021, 8, 23), "AF0802", 1, None, None, None, None, incidents),
        ("security_incidents", D(2021, 8, 24), "AF0907", 3, None, None, None, None, incidents),
    ]
    keys = ("indicator", "date", "area", "value", "women", "men", "girls", "boys", "source")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def response() -> list[dict]:
    """People reached and targeted by cluster (a 4W): cumulative figures, a row per report."""
    source = "Illustrative 4W, cluster reporting"
    rows = [
        # cluster, organisation, area, activity, targeted, reached, date
        ("Food security", "Partner A", "AF0901", "Food baskets", 10500, 2100, D(2021, 8, 18)),
        ("Food security", "Partner A", "AF0901", "Food baskets", 10500, 4900, D(2021, 8, 23)),
        ("Food security", "Partner A", "AF0901", "Food baskets", 10500, 6300, D(2021, 8, 24)),
        ("Food security", "Partner B", "AF0906", "Food baskets", 3500, 1400, D(2021, 8, 22)),
        ("Food security", "Partner B", "AF0301", "Cash for food", 2800, None, D(2021, 8, 24)),
        ("Shelter and NFI", "Partner C", "AF0301", "Household kits", 4200, 1260, D(2021, 8, 20)),
        ("Shelter and NFI", "Partner C", "AF0301", "Household kits", 4200, 1890, D(2021, 8, 24)),
        ("Health", "Partner D", "AF0901", "Mobile health teams", 6000, 2350, D(2021, 8, 23)),
        ("Health", "Partner E", "AF0802", "Mobile health teams", 2500, 700, D(2021, 8, 24)),
        ("WASH", "Partner A", "AF0901", "Water trucking", 8000, 5200, D(2021, 8, 24)),
    ]
    keys = ("cluster", "organisation", "area", "activity", "targeted", "reached", "date")
    return [{**dict(zip(keys, r, strict=True)), "source": source} for r in rows]


HAPI_NEEDS = (
    "location_code,has_hrp,in_gho,provider_admin1_name,provider_admin2_name,admin1_code,"
    "admin1_name,admin2_code,admin2_name,admin_level,category,sector_code,sector_name,"
    "population_status,population,reference_period_start,reference_period_end,dataset_hdx_id,"
    "resource_hdx_id,warning,error,source"
)
HAPI_FUNDING = (
    "location_code,has_hrp,in_gho,appeal_code,appeal_name,appeal_type,requirements_usd,"
    "funding_usd,funding_pct,reference_period_start,reference_period_end,dataset_hdx_id,"
    "resource_hdx_id,warning,error,date,source"
)


def hapi_needs() -> list[str]:
    """People in need, shaped like HDX HAPI's humanitarian-needs download (invented figures):
    a national row beside the provinces' (counted once, at the provinces), sectors beside the
    intersectoral figure (never added), a breakdown beside the total."""
    source = "Illustrative: shaped like HDX HAPI humanitarian needs"
    period = "2021-01-01T00:00:00,2021-12-31T23:59:59,illustrative-hno-2021,illustrative-hno-2021"
    provinces = {
        "AF03": ("Parwan", 310000),
        "AF08": ("Panjsher", 95000),
        "AF09": ("Baghlan", 540000),
    }
    rows = []

    def row(code, name, level, category, sector, sector_name, status, n):
        admin = f"{name},,{code},{name},,," if level else ",,,,,,"
        rows.append(
            f"AFG,Y,Y,{admin}{level},{category},{sector},{sector_name},{status},{n},{period},,,"
            f"{source}"
        )

    row("", "", 0, "", "Intersectoral", "Intersectoral", "INN", 18400000)
    for code, (name, n) in provinces.items():
        row(code, name, 1, "", "Intersectoral", "Intersectoral", "INN", n)
        row(code, name, 1, "", "Intersectoral", "Intersectoral", "TGT", round(n * 0.8))
        row(code, name, 1, "Children - Female", "Intersectoral", "Intersectoral", "INN", n // 4)
        for sector, sector_name, share in (("FSC", "Food Security", 0.9), ("HEA", "Health", 0.6),
                                           ("WSH", "Water Sanitation Hygiene", 0.5)):  # fmt: skip
            row(code, name, 1, "", sector, sector_name, "INN", round(n * share))
    return [HAPI_NEEDS, *rows]


def hapi_funding() -> list[str]:
    """Funding shaped like HDX HAPI's funding download, with the day each row was downloaded
    (invented figures); the flash appeal launched after the report is not counted."""
    source = "Illustrative: shaped like HDX HAPI funding (FTS)"
    hrp = "AFG,Y,Y,HAFG21,Afghanistan Humanitarian Response Plan 2021,HRP,868700000"
    flash = "AFG,Y,Y,FAFG21,Afghanistan Flash Appeal 2021,FA,606000000"
    end = ",2021-01-01T00:00:00,2021-12-31T23:59:59,illustrative-fts,illustrative-fts,,"
    return [
        HAPI_FUNDING,
        f"{hrp},318200000,36.63{end},2021-08-23,{source}",
        f"{hrp},331900000,38.21{end},2021-08-24,{source}",
        f"{flash},0,0,2021-09-09T00:00:00,2021-12-31T23:59:59,illustrative-fts,illustrative-fts"
        f",,,2021-09-09,{source}",
    ]


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "inputs" / "sample-data.xlsx"
    write_workbook(
        target,
        {
            "displacement": displacement(),
            "blockades": blockades(),
            "routes": routes(),
            "idps": idps(),
            "prices": prices(),
            "indicators": indicators(),
            "response": response(),
            "places": places(),
            "contacts": contacts(),
            "partners": partners(),
        },
    )
    print(target)
    for name, lines in (("needs", hapi_needs()), ("funding", hapi_funding())):
        csv = target.parent / "hapi" / f"{name}.csv"
        csv.parent.mkdir(exist_ok=True)
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(csv)
