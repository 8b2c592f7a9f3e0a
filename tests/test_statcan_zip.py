"""The full-table zip reader on zips we write in the official layout, and on real files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import duckdb
import pytest

from canus.errors import LayoutError
from canus.sources import statcan_zip as sz
from tests.fixtures.statcan.official import HERE, Dim, Row, write_zip, zip_fixture_dir

PID = "99990001"


def _load(
    tmp_path: Path, lang: str, en_zip: Path | None = None, fr_zip: Path | None = None, pid: str = PID, table: str = "t"
) -> duckdb.DuckDBPyConnection:
    en_zip = en_zip or zip_fixture_dir(pid, HERE / pid / "eng", tmp_path / f"{pid}-eng.zip")
    fr_zip = fr_zip or zip_fixture_dir(pid, HERE / pid / "fra", tmp_path / f"{pid}-fra.zip")
    con = duckdb.connect()
    en_meta = sz.read_metadata(sz.open_zip(en_zip, pid, "en"))
    fr_meta = sz.read_metadata(sz.open_zip(fr_zip, pid, "fr")) if fr_zip.exists() else None
    data = sz.open_zip(en_zip if lang == "en" else fr_zip, pid, lang)
    sz.load_table(
        con,
        table=table,
        data=data,
        en_meta=en_meta,
        fr_meta=fr_meta,
        source_id=f"statcan-{pid}",
        snapshot_sha256="abc",
        work_dir=tmp_path,
        where=data.path.name,
    )
    return con


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_values_scalars_and_statuses(tmp_path: Path, lang: str) -> None:
    con = _load(tmp_path, lang)
    rows = {r["vector"] + "/" + r["ref_date"]: r for r in _rows(con, "SELECT * FROM t")}
    export = rows["v900001/2014"]
    assert export["value_published"] == 377273540.5
    assert export["value"] == 377_273_540_500
    assert export["scalar_id"] == 3
    assert export["source_id"] == f"statcan-{PID}" and export["snapshot_sha256"] == "abc"
    assert export["geo"] == "Canada" and export["trade"] == "Export"
    assert export["north_american_product_classification_system_napcs"] == "All sections"
    assert str(export["period"]) == "2014-01-01"
    assert rows["v900001/2015"]["symbol"] == "r"
    millions = rows["v900002/2014"]
    assert millions["value"] == 12_300_000 and millions["symbol"] == "p"
    assert millions["north_american_product_classification_system_napcs"] == "Energy products"
    units = rows["v900003/2014"]
    assert units["value"] == 42 and units["terminated"] == "t" and units["scalar_id"] == 0
    suppressed = rows["v900004/2014"]
    assert suppressed["value"] is None and suppressed["status"] == "x"
    missing = rows["v900005/2014"]
    assert missing["value"] is None and missing["status"] == ".."
    assert missing["dguid"] is None and missing["geo"] == "Eastern division"


def test_trailing_space_of_units_is_stripped(tmp_path: Path) -> None:
    con = _load(tmp_path, "en")
    assert con.execute("SELECT DISTINCT scalar_factor FROM t ORDER BY 1").fetchall() == [
        ("millions",),
        ("thousands",),
        ("units",),
    ]


def test_french_file_gives_english_names_and_same_numbers(tmp_path: Path) -> None:
    con = _load(tmp_path, "en", table="t")
    _load_into = _load(tmp_path, "fr", table="t")
    keep = (
        "ref_date, geo, dguid, trade, north_american_product_classification_system_napcs, "
        "vector, coordinate, value_published, value, status, symbol, terminated, decimals"
    )
    en = con.execute(f"SELECT {keep} FROM t ORDER BY vector, ref_date").fetchall()
    fr = _load_into.execute(f"SELECT {keep} FROM t ORDER BY vector, ref_date").fetchall()
    assert en == fr


def test_members_carry_both_languages(tmp_path: Path) -> None:
    con = _load(tmp_path, "en")
    rows = _rows(con, "SELECT * FROM t_members WHERE dimension_position = 3 ORDER BY member_id")
    assert rows[1] == {
        "dimension_position": 3,
        "dimension_en": "North American Product Classification System (NAPCS)",
        "dimension_fr": "Système de classification des produits de l'Amérique du Nord (SCPAN)",
        "column_name": "north_american_product_classification_system_napcs",
        "member_id": 2,
        "parent_member_id": 1,
        "member_en": "Energy products",
        "member_fr": "Produits énergétiques",
    }
    geo = _rows(con, "SELECT column_name, member_fr FROM t_members WHERE member_id = 3 AND dimension_position = 1")
    assert geo == [{"column_name": "geo", "member_fr": "Division de l'Est"}]


def test_monthly_and_daily_periods(tmp_path: Path) -> None:
    dims = [
        Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")]),
        Dim("Traveller type", "Type de voyageur", [(1, None, "All", "Tous")]),
    ]
    rows = [Row("2024-03", (1, 1), 5.0), Row("2024-03-15", (1, 1), 6.0), Row("2023/2024", (1, 1), 7.0)]
    en = write_zip(tmp_path / "11110000-eng.zip", "11110000", ("T", "T"), dims, rows, "en")
    con = _load(tmp_path, "en", en_zip=en, fr_zip=tmp_path / "absent.zip", pid="11110000")
    got = con.execute("SELECT ref_date, period, traveller_type FROM t ORDER BY value").fetchall()
    assert [(r, str(p), t) for r, p, t in got] == [
        ("2024-03", "2024-03-01", "All"),
        ("2024-03-15", "2024-03-15", "All"),
        ("2023/2024", "None", "All"),
    ]
    members = con.execute("SELECT count(*), count(member_fr) FROM t_members").fetchone()
    assert members == (2, 0)


def _rewrite(src: Path, dest: Path, pid: str, edit: object) -> Path:
    with zipfile.ZipFile(src) as z:
        data = z.read(f"{pid}.csv").decode("utf-8")
        meta = z.read(f"{pid}_MetaData.csv")
    with zipfile.ZipFile(dest, "w") as z:
        z.writestr(f"{pid}.csv", edit(data).encode("utf-8"))  # type: ignore[operator]
        z.writestr(f"{pid}_MetaData.csv", meta)
    return dest


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace('"VALUE"', '"VALUES"', 1), "expected column VALUE"),
        (lambda s: s.replace('"Trade"', '"Commerce flow"', 1), "should be the dimension 'Trade'"),
        (lambda s: s.replace('"377273540.5"', '"37abc"', 1), "a value could not be read"),
        (
            lambda s: (
                s.replace('"Trade",', '"Extra","Trade",', 1)
                .replace('"Export",', '"?","Export",')
                .replace('"Import",', '"?","Import",')
            ),
            "dimension columns",
        ),
    ],
)
def test_layout_errors_name_the_file(tmp_path: Path, edit: object, message: str) -> None:
    good = zip_fixture_dir(PID, HERE / PID / "eng", tmp_path / "good.zip")
    bad = _rewrite(good, tmp_path / f"{PID}-eng.zip", PID, edit)
    with pytest.raises(LayoutError) as e:
        _load(tmp_path, "en", en_zip=bad)
    assert message in str(e.value) and f"{PID}-eng.zip" in str(e.value)
    if "could not be read" in message:
        # DuckDB's own first line, which names the value, goes with it.
        assert str(e.value).startswith(f"{PID}-eng.zip: a value could not be read (") and str(e.value).endswith(")")
        assert "37abc" in str(e.value) and "\n" not in str(e.value)


GEO_ONLY = [Dim("Geography", "Géographie", [(1, None, "Canada", "Canada"), (2, 1, "Ontario", "Ontario")])]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_table_with_geography_alone_loads(tmp_path: Path, lang: str) -> None:
    # Population estimates (17-10-0009) have no dimension besides geography.
    rows = [Row("2024-01", (1,), 41_000.0, scalar_id=3), Row("2024-01", (2,), 16_000.0, scalar_id=3)]
    en = write_zip(tmp_path / "11110001-eng.zip", "11110001", ("T", "T"), GEO_ONLY, rows, "en")
    fr = write_zip(tmp_path / "11110001-fra.zip", "11110001", ("T", "T"), GEO_ONLY, rows, "fr")
    con = _load(tmp_path, lang, en_zip=en, fr_zip=fr, pid="11110001")
    got = con.execute("SELECT geo, value FROM t ORDER BY value").fetchall()
    assert got == [("Ontario", 16_000_000), ("Canada", 41_000_000)]


def test_an_empty_data_file_is_refused_and_a_single_row_is_read(tmp_path: Path) -> None:
    one = write_zip(tmp_path / "11110002-eng.zip", "11110002", ("T", "T"), GEO_ONLY, [Row("2024", (1,), 1.0)], "en")
    con = _load(tmp_path, "en", en_zip=one, fr_zip=tmp_path / "absent.zip", pid="11110002")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
    empty = write_zip(tmp_path / "11110003-eng.zip", "11110003", ("T", "T"), GEO_ONLY, [], "en")
    with pytest.raises(LayoutError) as e:
        _load(tmp_path, "en", en_zip=empty, fr_zip=tmp_path / "absent.zip", pid="11110003")
    assert str(e.value) == "11110003-eng.zip: the data file has no rows"


def test_french_rows_whose_members_are_not_in_the_metadata_are_counted_and_refused(tmp_path: Path) -> None:
    rows = [Row("2024", (1,), 1.0), Row("2024", (2,), 2.0), Row("2025", (2,), 3.0)]
    fr = write_zip(tmp_path / "11110004-fra.zip", "11110004", ("T", "T"), GEO_ONLY, rows, "fr")
    # The English metadata knows Canada only: the two Ontario rows cannot be named in English.
    canada_only = [Dim("Geography", "Géographie", [(1, None, "Canada", "Canada")])]
    en = write_zip(tmp_path / "11110004-eng.zip", "11110004", ("T", "T"), canada_only, rows[:1], "en")
    with pytest.raises(LayoutError) as e:
        _load(tmp_path, "fr", en_zip=en, fr_zip=fr, pid="11110004")
    assert str(e.value) == "11110004-fra.zip: 2 rows have a COORDINATE whose members are not in the metadata"


def test_zip_without_the_data_member(tmp_path: Path) -> None:
    path = tmp_path / f"{PID}-eng.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "nothing")
    with pytest.raises(LayoutError, match=f"expected {PID}.csv and {PID}_MetaData.csv"):
        sz.open_zip(path, PID, "en")


def test_semi_wide_table_fails_loudly() -> None:
    header = ["REF_DATE", "GEO", "DGUID", "Sex (2): Total [1]", "Symbol"]
    with pytest.raises(LayoutError, match="no VALUE column"):
        sz.check_header(header, "en", "x.zip")


def test_slug() -> None:
    assert (
        sz.slug("North American Product Classification System (NAPCS)")
        == "north_american_product_classification_system_napcs"
    )
    assert sz.slug("Trading partner") == "trading_partner"
    assert sz.slug("Caractéristiques du voyageur") == "caracteristiques_du_voyageur"


# ---------------------------------------------------------------------------- real files


@pytest.mark.shared_data
def test_real_sample_zip(tmp_path: Path, shared_data: Path) -> None:
    src = shared_data / "samples" / "statcan" / "18100204-eng.zip"
    con = duckdb.connect()
    tz = sz.open_zip(src, "18100204", "en")
    meta = sz.read_metadata(tz)
    assert meta.title == "Electric power selling price index, monthly"
    assert meta.dimensions == {1: "Geography", 2: "Index"}
    assert len(meta.members) == 16
    sz.load_table(
        con,
        table="s",
        data=tz,
        en_meta=meta,
        fr_meta=None,
        source_id="statcan-18100204",
        snapshot_sha256="x",
        work_dir=tmp_path,
        where=src.name,
    )
    first = con.execute(
        "SELECT period, geo, index, value, uom FROM s WHERE vector = 'v107792869' ORDER BY period LIMIT 1"
    ).fetchone()
    assert first is not None
    assert (str(first[0]), first[1], first[3], first[4]) == ("1981-01-01", "Canada", 31.0, "Index, 2014=100")
    assert first[2] == "Electric power selling price indexes, national total"


@pytest.mark.shared_data
def test_real_12100173_united_states(tmp_path: Path, shared_data: Path) -> None:
    """The shared copy has an extra leading index column; drop it here, then zip it officially."""
    src = shared_data / "statcan-12100173" / "12100173-eng-united-states-only.csv"
    with src.open(encoding="utf-8-sig", newline="") as f:
        rows = [r[1:] for r in csv.reader(f)]
    header, body = rows[0], rows[1:]
    dim_names = ["Geography", *header[3:6]]
    members: dict[tuple[int, int], str] = {}
    for r in body:
        ids = [int(x) for x in r[header.index("COORDINATE")].split(".")]
        names = [r[1], *r[3:6]]
        for pos, (mid, name) in enumerate(zip(ids, names, strict=True), 1):
            members[(pos, mid)] = name
    meta = io.StringIO()
    w = csv.writer(meta, lineterminator="\n")
    w.writerow(["Cube Title", "Product Id"])
    w.writerow(["Canadian international merchandise trade", "12100173"])
    meta.write("\n")
    w.writerow(["Dimension ID", "Dimension name", "Dimension Notes", "Dimension Definitions"])
    for pos, name in enumerate(dim_names, 1):
        w.writerow([pos, name, "", ""])
    meta.write("\n")
    w.writerow(
        [
            "Dimension ID",
            "Member Name",
            "Classification Code",
            "Member ID",
            "Parent Member ID",
            "Terminated",
            "Member Notes",
            "Member Definitions",
        ]
    )
    for (pos, mid), name in sorted(members.items()):
        w.writerow([pos, name, "", mid, "", "", "", ""])
    data = io.StringIO()
    csv.writer(data, lineterminator="\n").writerows([header, *body])
    path = tmp_path / "12100173-eng.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("12100173.csv", ("\ufeff" + data.getvalue()).encode())
        z.writestr("12100173_MetaData.csv", ("\ufeff" + meta.getvalue()).encode())
    con = _load(tmp_path, "en", en_zip=path, fr_zip=tmp_path / "none.zip", pid="12100173")
    got = con.execute("""
        SELECT value_published, value, scalar_factor FROM t
        WHERE ref_date = '2014' AND geo = 'Canada' AND trading_partner = 'United States'
          AND north_american_product_classification_system_napcs = 'All sections'
          AND trade = 'Export'""").fetchall()
    assert got == [(377273540.5, 377273540500.0, "thousands")]
    assert con.execute("SELECT count(*) FROM t").fetchone() == (len(body),)


# ------------------------------------------------------------------ each layout error, word for word

EN_HEADER = [*(sz.HEADERS["en"][k][0] for k in sz.HEAD), "Trade", *(sz.HEADERS["en"][k][0] for k in sz.TAIL)]
FR_HEADER = [*(sz.HEADERS["fr"][k][0] for k in sz.HEAD), "Commerce", *(sz.HEADERS["fr"][k][0] for k in sz.TAIL)]


def test_a_full_header_passes_in_either_language_and_any_case_or_accent() -> None:
    sz.check_header(EN_HEADER, "en", "x.zip")
    sz.check_header(FR_HEADER, "fr", "x.zip")
    sz.check_header([h.lower() for h in FR_HEADER], "fr", "x.zip")
    unaccented = [h.replace("É", "E") for h in FR_HEADER]
    sz.check_header(unaccented, "fr", "x.zip")
    # The fixed columns are found from both ends, whatever the number of dimensions between.
    sz.check_header([*EN_HEADER[:3], "A", "B", "C", *EN_HEADER[4:]], "en", "x.zip")
    sz.check_header([*EN_HEADER[:3], *EN_HEADER[4:]], "en", "x.zip")  # geography alone


@pytest.mark.parametrize(
    ("header", "lang", "en", "fr"),
    [
        (
            [*EN_HEADER[:3], *EN_HEADER[5:]],
            "en",
            "x.zip: only 13 columns, a full table has at least 14",
            "x.zip\u00a0: seulement 13 colonnes, un tableau complet en a au moins 14",
        ),
        (
            ["REF_DATE", "GEO", "DGUID", "Sex (2): Total [1]", "Symbol"],
            "en",
            "x.zip: no VALUE column (a semi-wide table, which canus does not read yet, or not a full-table file); "
            "found: REF_DATE, GEO, DGUID, Sex (2): Total [1], Symbol",
            None,
        ),
        (
            [h if h != "VALUE" else "VALUES" for h in EN_HEADER],
            "en",
            "x.zip: expected column VALUE where the file has 'VALUES'",
            "x.zip\u00a0: colonne VALUE attendue là où le fichier a 'VALUES'",
        ),
        (
            ["PERIOD", *EN_HEADER[1:]],
            "en",
            "x.zip: expected column REF_DATE where the file has 'PERIOD'",
            None,
        ),
        (
            [*FR_HEADER[:-1], "DECIMALS?"],
            "fr",
            "x.zip: expected column DÉCIMALES where the file has 'DECIMALS?'",
            None,
        ),
        (
            EN_HEADER,  # an English file read as French
            "fr",
            "x.zip: expected column PÉRIODE DE RÉFÉRENCE where the file has 'REF_DATE'",
            None,
        ),
    ],
)
def test_a_header_that_is_not_a_full_table_is_named_column_by_column(
    header: list[str], lang: str, en: str, fr: str | None
) -> None:
    with pytest.raises(LayoutError) as e:
        sz.check_header(header, lang, "x.zip")
    assert str(e.value) == en
    if fr:
        assert e.value.localized("fr") == fr


def test_a_many_column_semi_wide_header_lists_its_first_twenty() -> None:
    header = ["REF_DATE", "GEO", "DGUID", *(f"Age {i}" for i in range(30))]
    with pytest.raises(LayoutError) as e:
        sz.check_header(header[:13], "en", "x.zip")
    assert str(e.value).endswith("found: " + ", ".join(header[:13]))
    # Fourteen columns or more without VALUE: the column where VALUE should be is named.
    with pytest.raises(LayoutError) as e:
        sz.check_header(header, "en", "x.zip")
    assert str(e.value) == "x.zip: expected column UOM where the file has 'Age 19'"


METADATA = """\
"Cube Title","Product Id","CANSIM Id"
"Trade (fixture)","99990001","999-0001"

"Dimension ID","Dimension name","Dimension Notes"
"1","Geography",""
"2","Trade",""

"Dimension ID","Member Name","Classification Code","Member ID","Parent Member ID","Terminated","Member Notes"
"1","Canada","","1","","",""
"2","Export","","1","","",""
"2","Re-export","","3","1","",""
"2","Import","","2"

"Symbol Legend"
"..","not available"
"""


def test_metadata_blocks_are_read_by_their_headers() -> None:
    meta = sz.parse_metadata(METADATA, "en", "m.csv")
    assert meta.title == "Trade (fixture)"
    assert meta.dimensions == {1: "Geography", 2: "Trade"}
    assert [(m.dimension, m.member_id, m.parent_id, m.name) for m in meta.members] == [
        (1, 1, None, "Canada"),
        (2, 1, None, "Export"),
        (2, 3, 1, "Re-export"),
        (2, 2, None, "Import"),  # a row cut before its parent: no parent
    ]
    # French files: semicolons and French headers, accents or not.
    fr = (
        METADATA.replace('","', '";"')
        .replace("Dimension ID", "Numéro d'identification de la dimension")
        .replace("Dimension name", "Nom de la dimension")
        .replace("Member Name", "Nom du membre")
        .replace("Parent Member ID", "Numéro d'identification du membre parent")
        .replace("Member ID", "Numero d'identification du membre")
        .replace("Cube Title", "Titre du cube")
    )
    meta_fr = sz.parse_metadata(fr, "fr", "m.csv")
    assert meta_fr.title == meta.title and meta_fr.dimensions == meta.dimensions and meta_fr.members == meta.members
    assert (meta.lang, meta_fr.lang) == ("en", "fr")


def test_metadata_quoted_with_curly_quotes_is_read() -> None:
    """Table 17-10-0016 writes curly quotes (cansim turns them into straight ones, as canus does)."""
    curly = METADATA.replace('"Geography"', "\u201cGeography\u201d").replace('"Canada"', "\u201cCanada\u201d")
    meta = sz.parse_metadata(curly, "en", "m.csv")
    assert meta.dimensions[1] == "Geography" and meta.members[0].name == "Canada"


def test_metadata_rows_that_are_not_members_are_skipped() -> None:
    text = METADATA.replace('"1","Canada","","1"', '"Footnote","Canada","","1"').replace(
        '"2","Export","","1"', '"2","Export","","x"'
    )
    meta = sz.parse_metadata(text, "en", "m.csv")
    assert [m.name for m in meta.members] == ["Re-export", "Import"]


@pytest.mark.parametrize(
    ("text", "en", "fr"),
    [
        (
            METADATA.replace("Parent Member ID", "Parent"),
            "m.csv: the member block lacks Member ID or Parent Member ID (found: Dimension ID, Member Name, "
            "Classification Code, Member ID, Parent, Terminated, Member Notes)",
            "m.csv\u00a0: le bloc des membres n'a pas de numéro de membre ou de membre parent "
            "(trouvé\u00a0: Dimension ID, Member Name, Classification Code, Member ID, Parent, Terminated, "
            "Member Notes)",
        ),
        (
            METADATA.split("\n\n", 1)[0],
            "m.csv: no dimension or member block was found in the metadata",
            "m.csv\u00a0: aucun bloc de dimensions ou de membres dans les métadonnées",
        ),
        (
            METADATA.replace("Member Name", "Label"),  # the member block is no longer one
            "m.csv: no dimension or member block was found in the metadata",
            None,
        ),
    ],
)
def test_metadata_without_its_blocks_is_named(text: str, en: str, fr: str | None) -> None:
    with pytest.raises(LayoutError) as e:
        sz.parse_metadata(text, "en", "m.csv")
    assert str(e.value) == en
    if fr:
        assert e.value.localized("fr") == fr


def test_a_file_that_is_not_a_zip_or_lacks_its_members_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"<html>maintenance</html>")
    with pytest.raises(LayoutError) as e:
        sz.open_zip(bad, PID, "en")
    assert str(e.value) == "x.zip: not a readable zip archive (File is not a zip file)"
    assert e.value.localized("fr") == "x.zip\u00a0: archive zip illisible (File is not a zip file)"
    with pytest.raises(LayoutError) as e:
        sz.open_zip(tmp_path / "absent.zip", PID, "en", where="statcan-99990001: absent.zip")
    assert str(e.value).startswith("statcan-99990001: absent.zip: not a readable zip archive ([Errno 2] ")
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    with pytest.raises(LayoutError) as e:
        sz.open_zip(empty, PID, "en")
    assert str(e.value) == f"empty.zip: expected {PID}.csv and {PID}_MetaData.csv inside the zip, found nothing"
    assert e.value.localized("fr") == (
        f"empty.zip\u00a0: {PID}.csv et {PID}_MetaData.csv étaient attendus dans le zip, trouvé\u00a0: rien"
    )
    only_data = tmp_path / "data.zip"
    with zipfile.ZipFile(only_data, "w") as z:
        z.writestr(f"{PID}.csv", "x")
        z.writestr("readme.txt", "x")
    with pytest.raises(LayoutError) as e:
        sz.open_zip(only_data, PID, "en")
    assert str(e.value).endswith(f"found {PID}.csv, readme.txt")


def test_members_are_found_in_a_folder_and_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"tables/{PID}.CSV", "x")
        z.writestr(f"tables/2024/{PID}_METADATA.csv", "x")
    tz = sz.open_zip(path, PID, "fr")
    assert (tz.data_member, tz.meta_member, tz.lang, tz.pid, tz.path) == (
        f"tables/{PID}.CSV",
        f"tables/2024/{PID}_METADATA.csv",
        "fr",
        PID,
        path,
    )


def test_a_damaged_zip_is_named_and_leaves_no_extract(tmp_path: Path) -> None:
    good = zip_fixture_dir(PID, HERE / PID / "eng", tmp_path / "good.zip")
    data = zipfile.ZipFile(good).read(f"{PID}.csv")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{PID}.csv", data * 50)
        z.writestr(f"{PID}_MetaData.csv", zipfile.ZipFile(good).read(f"{PID}_MetaData.csv"))
    blob = bytearray(damaged.read_bytes())
    blob[200:260] = b"\x00" * 60  # inside the compressed data member
    damaged.write_bytes(bytes(blob))
    tz = sz.open_zip(damaged, PID, "en")
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(LayoutError) as e:
        sz.extract_data(tz, work, where="statcan-99990001: damaged.zip")
    with pytest.raises(Exception) as raw:  # what zipfile itself says of the member
        zipfile.ZipFile(damaged).read(f"{PID}.csv")
    assert str(e.value) == f"statcan-99990001: damaged.zip: {PID}.csv: the zip archive is damaged ({raw.value})"
    assert list(work.iterdir()) == []
    with pytest.raises(LayoutError) as e:
        sz.extract_data(tz, work)
    assert str(e.value).startswith(f"{PID}.csv: the zip archive is damaged (")
    extracted = sz.extract_data(sz.open_zip(good, PID, "en"), work)
    assert extracted.read_bytes() == data and extracted.parent == work
    assert extracted.name.startswith(f"statcan-{PID}-") and extracted.suffix == ".csv"


@pytest.mark.parametrize(
    ("edit", "en", "fr"),
    [
        (
            lambda s: s.replace('"Trade"', '"Commerce flow"', 1),
            f"{PID}-eng.zip: column 'Commerce flow' should be the dimension 'Trade'",
            f"{PID}-eng.zip\u00a0: la colonne 'Commerce flow' devrait être la dimension 'Trade'",
        ),
        (
            lambda s: (
                s.replace('"Trade",', '"Extra","Trade",', 1)
                .replace('"Export",', '"?","Export",')
                .replace('"Import",', '"?","Import",')
            ),
            f"{PID}-eng.zip: the data has 3 dimension columns but the metadata lists 2 dimensions besides geography",
            f"{PID}-eng.zip\u00a0: les données ont 3 colonnes de dimension, mais les métadonnées énumèrent 2 dimensions"
            " en plus de la géographie",
        ),
    ],
)
def test_dimension_columns_that_do_not_match_the_metadata_are_named(
    tmp_path: Path, edit: object, en: str, fr: str
) -> None:
    good = zip_fixture_dir(PID, HERE / PID / "eng", tmp_path / "good.zip")
    bad = _rewrite(good, tmp_path / f"{PID}-eng.zip", PID, edit)
    with pytest.raises(LayoutError) as e:
        _load(tmp_path, "en", en_zip=bad)
    assert (str(e.value), e.value.localized("fr")) == (en, fr)


def test_a_load_gives_back_the_connections_settings_and_leaves_no_extract(tmp_path: Path) -> None:
    con = duckdb.connect()
    settings = "SELECT current_setting('memory_limit'), current_setting('enable_progress_bar'), " + (
        "current_setting('preserve_insertion_order')"
    )
    con.execute("SET memory_limit = '1GiB'")  # a value DuckDB shows back exactly ("1.0 GiB")
    con.execute("SET enable_progress_bar = true")
    before = con.execute(settings).fetchone()
    work = tmp_path / "work"
    work.mkdir()
    en_zip = zip_fixture_dir(PID, HERE / PID / "eng", tmp_path / f"{PID}-eng.zip")
    meta = sz.read_metadata(sz.open_zip(en_zip, PID, "en"))
    data = sz.open_zip(en_zip, PID, "en")
    kw = {"table": "t", "data": data, "en_meta": meta, "fr_meta": None, "source_id": "s", "snapshot_sha256": "abc"}
    sz.load_table(con, **kw, work_dir=work, where="x.zip")  # type: ignore[arg-type]
    assert con.execute(settings).fetchone() == before
    assert list(work.iterdir()) == []
    # The data is extracted into the work folder (on canus's own disk), not the system's temporary one.
    with pytest.raises(FileNotFoundError):
        sz.load_table(con, **{**kw, "table": "t3"}, work_dir=tmp_path / "absent", where="x.zip")  # type: ignore[arg-type]
    # Also after a load that fails.
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    before = con.execute(settings).fetchone()
    bad = _rewrite(en_zip, tmp_path / "bad.zip", PID, lambda s: s.replace('"377273540.5"', '"37abc"', 1))
    with pytest.raises(LayoutError):
        sz.load_table(con, **{**kw, "table": "t2", "data": sz.open_zip(bad, PID, "en")}, work_dir=work, where="x.zip")  # type: ignore[arg-type]
    assert con.execute(settings).fetchone() == before
    assert list(work.iterdir()) == []


def test_a_damaged_data_member_is_named_with_the_file_it_came_from(tmp_path: Path) -> None:
    """The header and metadata read, the data does not: the error names the download, not only the member."""
    good = zip_fixture_dir(PID, HERE / PID / "eng", tmp_path / "good.zip")
    with zipfile.ZipFile(good) as z:
        data, meta = z.read(f"{PID}.csv"), z.read(f"{PID}_MetaData.csv")
    body = data.split(b"\n", 1)[1]
    damaged = tmp_path / f"{PID}-eng.zip"
    with zipfile.ZipFile(damaged, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{PID}_MetaData.csv", meta)
        z.writestr(f"{PID}.csv", data + body * 2000)
    blob = bytearray(damaged.read_bytes())
    end = blob.rindex(b"PK\x01\x02")  # the central directory follows the data member
    blob[end - 400 : end - 300] = b"\x00" * 100
    damaged.write_bytes(bytes(blob))
    with pytest.raises(LayoutError) as e:
        _load(tmp_path, "en", en_zip=damaged)
    assert str(e.value).startswith(f"{PID}-eng.zip: {PID}.csv: the zip archive is damaged (")


def test_a_slug_without_letters_or_digits_is_dimension_and_underscores_are_trimmed() -> None:
    assert sz.slug("()") == sz.slug("") == sz.slug("—") == "dimension"
    assert sz.slug(" (NAPCS) ") == "napcs"


def test_dimension_columns_never_take_a_reserved_or_repeated_name() -> None:
    meta = sz.Metadata(
        "en",
        dimensions={
            1: "Geography",
            2: "Value published",  # a column of its own in the loaded table
            3: "Trading partner",
            4: "Trading (partner)",  # the same slug as dimension 3
            5: "Trading partner",  # and again
            6: "Symbol",
        },
    )
    assert sz.dimension_columns(meta) == {
        1: "geo",
        2: "value_published_dim",
        3: "trading_partner",
        4: "trading_partner_dim",
        5: "trading_partner_dim_dim",
        6: "symbol_dim",
    }
    # The first dimension is the geography whatever it is called.
    assert sz.dimension_columns(sz.Metadata("en", dimensions={1: "Value published"})) == {1: "geo"}


def test_a_block_is_known_by_its_first_column_and_its_own_columns() -> None:
    assert sz._block_kind([]) == "other"
    assert sz._block_kind(["Symbol Legend"]) == "other"
    assert sz._block_kind(["Cube Title", "Product Id"]) == "cube"
    assert sz._block_kind(["Dimension ID", "Dimension name"]) == "dimensions"
    assert sz._block_kind(["Dimension ID", "Member Name", "Member ID"]) == "members"
    # A dimension's name in another block (a footnote's, say) does not make it a dimension block.
    assert sz._block_kind(["Footnote ID", "Dimension name"]) == "other"
    text = METADATA.replace('"Symbol Legend"', '"Footnote ID","Dimension Name"\n"5","Bogus"')
    assert sz.parse_metadata(text, "en", "m.csv").dimensions == {1: "Geography", 2: "Trade"}


def test_dimension_and_member_rows_cut_short_or_without_a_number_are_skipped() -> None:
    text = METADATA.replace('"2","Trade",""', '"2","Trade",""\n"x","Not a dimension"\n"3"').replace(
        '"2","Import","","2"', '"2","Import","","2"\n"2","Cut before its id"\n"2","Cut at its id",""'
    )
    meta = sz.parse_metadata(text, "en", "m.csv")
    assert meta.dimensions == {1: "Geography", 2: "Trade"}
    assert [m.name for m in meta.members] == ["Canada", "Export", "Re-export", "Import"]


def test_a_member_block_without_member_id_is_named() -> None:
    text = METADATA.replace(',"Member ID",', ',"Code",')
    with pytest.raises(LayoutError, match="the member block lacks Member ID or Parent Member ID"):
        sz.parse_metadata(text, "en", "m.csv")


def test_metadata_without_a_title_block_keeps_every_dimension() -> None:
    meta = sz.parse_metadata(METADATA.split("\n\n", 1)[1], "en", "m.csv")
    assert meta.title == ""
    assert meta.dimensions == {1: "Geography", 2: "Trade"} and len(meta.members) == 4


def _zip_with(tmp_path: Path, data: bytes, meta: bytes) -> sz.TableZip:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{PID}.csv", data)
        z.writestr(f"{PID}_MetaData.csv", meta)
    return sz.open_zip(path, PID, "en")


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(tmp_path: Path) -> None:
    # A damaged byte in a name must not end the load in a UnicodeDecodeError: the header check or
    # the member's name says what was read.
    tz = _zip_with(
        tmp_path,
        b'"REF_DATE","GEO\xff","DGUID"\r\n"2024","Canada",""\r\n',
        METADATA.encode().replace(b"Export", b"Exp\xe9rt"),
    )
    assert sz.read_header(tz) == ["REF_DATE", "GEO\ufffd", "DGUID"]
    assert [m.name for m in sz.read_metadata(tz).members][1] == "Exp\ufffdrt"
    with pytest.raises(LayoutError, match=re.escape("found: REF_DATE, GEO\ufffd, DGUID")):
        sz.check_header(sz.read_header(tz), "en", "x.zip")


def test_metadata_that_starts_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Statistics Canada's files start with one; left in, it would hide the quoted title header.
    tz = _zip_with(tmp_path, b"REF_DATE\r\n", METADATA.encode("utf-8-sig"))
    meta = sz.read_metadata(tz)
    assert meta.title == "Trade (fixture)" and meta.dimensions == {1: "Geography", 2: "Trade"}


def test_metadata_errors_name_the_zip_and_its_member(tmp_path: Path) -> None:
    tz = _zip_with(tmp_path, b"REF_DATE\r\n", METADATA.split("\n\n", 1)[0].encode("utf-8-sig"))
    with pytest.raises(LayoutError) as e:
        sz.read_metadata(tz)
    assert str(e.value) == f"x.zip: {PID}_MetaData.csv: no dimension or member block was found in the metadata"
    with pytest.raises(LayoutError) as e:
        sz.read_metadata(tz, where="statcan-99990001: x.zip")
    assert str(e.value).startswith(f"statcan-99990001: x.zip: {PID}_MetaData.csv: no dimension")
