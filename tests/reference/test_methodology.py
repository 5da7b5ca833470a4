"""Survey designs as data: the three SIPAS TOML files, their validation, the waves and the store rows."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import duckdb
import pytest

from reference.methodology import (
    METHODOLOGY_DIR,
    Methodology,
    MethodologyError,
    load_all,
    load_methodology,
    load_waves,
    store_rows,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO_ROOT / "store" / "schema.sql"
SERVICE_ELEMENTS = ("access", "procedure", "civil_servant", "result", "feedback")
POLICY_ELEMENTS = ("policy_info", "policy_participation", "policy_quality", "policy_outcome")


@pytest.fixture(scope="module")
def designs() -> dict[str, Methodology]:
    return load_all()


# ------------------------------------------------------------------------------------------ real files


def test_all_three_designs_load(designs: dict[str, Methodology]) -> None:
    assert set(designs) == {"sipas_2017", "sipas_2022", "sipas_2023"}
    for m in designs.values():
        assert m.formula_status == "assumed"
        assert m.aggregation == "mean_of_children"
        assert m.overall().code == "overall"
        assert len(m.sha256) == 64
        assert m.file_name == f"{m.id}.toml"
    assert [(m.first_year, m.last_year) for m in designs.values()] == [
        (2017, 2021),
        (2022, 2022),
        (2023, 2026),
    ]


@pytest.mark.parametrize(
    ("mid", "n_index", "per_element"),
    [
        ("sipas_2017", 22, {"access": 5, "procedure": 5, "civil_servant": 5, "result": 3, "feedback": 4}),
        (
            "sipas_2022",
            33,
            {
                "policy_info": 2,
                "policy_participation": 2,
                "policy_quality": 8,
                "policy_outcome": 2,
                "access": 4,
                "procedure": 4,
                "civil_servant": 5,
                "result": 3,
                "feedback": 3,
            },
        ),
        (
            "sipas_2023",
            39,
            {
                "policy_info": 2,
                "policy_participation": 2,
                "policy_quality": 9,
                "policy_outcome": 10,
                "access": 3,
                "procedure": 4,
                "civil_servant": 3,
                "result": 3,
                "feedback": 3,
            },
        ),
    ],
)
def test_item_counts(designs: dict[str, Methodology], mid: str, n_index: int, per_element: dict) -> None:
    m = designs[mid]
    assert len(m.index_items()) == n_index
    assert {e.code: len(m.items_of(e.code)) for e in m.elements()} == per_element
    assert [i.code for i in m.items_by_kind("perception")] == ["no_harassment", "no_informal_payment"]
    assert len(m.items_by_kind("expectation")) == (0 if mid == "sipas_2017" else 10)


def test_element_codes_shared(designs: dict[str, Methodology]) -> None:
    assert [e.code for e in designs["sipas_2017"].elements()] == list(SERVICE_ELEMENTS)
    for mid in ("sipas_2022", "sipas_2023"):
        m = designs[mid]
        assert [d.code for d in m.domains()] == ["policy", "service"]
        assert [c.code for c in m.children("policy")] == list(POLICY_ELEMENTS)
        assert [c.code for c in m.children("service")] == list(SERVICE_ELEMENTS)
    names = {m.component("civil_servant").name_vi for m in designs.values()}
    assert names == {"Công chức giải quyết công việc"}


def test_stable_service_item_codes_2022_2023(designs: dict[str, Methodology]) -> None:
    def service_codes(m: Methodology) -> set[str]:
        return {i.code for i in m.index_items() if i.element in SERVICE_ELEMENTS}

    shared = service_codes(designs["sipas_2022"]) & service_codes(designs["sipas_2023"])
    expected = {
        "access_signage",
        "access_equipment",
        "procedure_public_listing",
        "procedure_documents_as_required",
        "procedure_fees_as_required",
        "procedure_time_as_required",
        "civil_servant_polite",
        "civil_servant_guidance_once",
        "civil_servant_compliant",
        "result_on_time",
        "result_accurate_info",
        "result_fair",
        "feedback_channels",
        "feedback_handled",
        "feedback_timely_notice",
    }
    assert shared == expected
    # Same item code -> same element in every design.
    for code in expected | {"civil_servant_polite", "access_seating"}:
        elements = {m.item(code).element for m in designs.values() if code in {i.code for i in m.items}}
        assert len(elements) == 1, code
    assert "civil_servant_polite" in {i.code for i in designs["sipas_2017"].items}
    # Expectation codes shared between the two post-2022 designs.
    exp22 = {i.code for i in designs["sipas_2022"].items_by_kind("expectation")}
    exp23 = {i.code for i in designs["sipas_2023"].items_by_kind("expectation")}
    assert {
        "expect_better_attitude",
        "expect_better_capability",
        "expect_better_feedback_handling",
    } <= exp22 & exp23


def test_scales_and_wording(designs: dict[str, Methodology]) -> None:
    for m in designs.values():
        for item in m.items:
            assert item.wording_status in ("third_party_copy", "reconstructed")
            assert unicodedata.is_normalized("NFC", item.text_vi)
            assert item.scale.missing_codes == (9,)
            assert len(item.scale.labels_vi) == item.scale.max - item.scale.min + 1
            if item.kind == "satisfaction":
                assert (item.scale.min, item.scale.max, item.scale.positive_min, item.scale.positive_max) == (
                    1,
                    5,
                    4,
                    5,
                )
                assert item.code.startswith(item.element + "_")
            elif item.kind == "perception":
                assert item.element is None
                assert (item.scale.min, item.scale.max, item.scale.positive_min, item.scale.positive_max) == (
                    1,
                    3,
                    1,
                    1,
                )
            elif item.kind == "outcome":  # overall satisfaction: 5-point, outside the index
                assert item.element is None and item.code == "overall_satisfaction"
                assert (item.scale.min, item.scale.max, item.scale.positive_min, item.scale.positive_max) == (
                    1,
                    5,
                    4,
                    5,
                )
            else:
                assert item.element is None
                assert (item.scale.min, item.scale.max, item.scale.positive_min, item.scale.positive_max) == (
                    1,
                    4,
                    3,
                    4,
                )
                assert item.scale.labels_vi[2] == "Mong muốn"
    sat = designs["sipas_2017"].item("civil_servant_polite").scale
    assert sat.is_positive(4) and sat.is_positive(5) and not sat.is_positive(3)
    assert sat.is_missing(9) and not sat.is_valid(9)


def test_waves_cover_2017_to_2025(designs: dict[str, Methodology]) -> None:
    waves = load_waves(methodologies=designs)
    assert list(waves) == list(range(2017, 2026))
    for year, wave in waves.items():
        expected = "sipas_2017" if year <= 2021 else ("sipas_2022" if year == 2022 else "sipas_2023")
        assert wave.methodology == expected, year
        assert wave.geo_version == ("2025" if year == 2025 else "pre2025"), year
        assert wave.fieldwork_start is not None and wave.fieldwork_end is not None
        assert wave.fieldwork_start <= wave.fieldwork_end
        assert wave.fieldwork_start.year == year
        assert wave.notes_vi and wave.notes_en
    assert waves[2022].fieldwork_end.isoformat() == "2022-12-31"
    assert "break" in waves[2022].notes_en.lower()
    assert "demo" in waves[2025].notes_en.lower()


def test_store_rows_insert_into_duckdb(designs: dict[str, Methodology], tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    for m in designs.values():
        for table, frame in store_rows(m).items():
            columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
            assert list(frame.columns) == columns, table
            con.register("frame", frame)
            con.execute(f"INSERT INTO {table} SELECT * FROM frame")
            con.unregister("frame")
    counts = dict(con.execute("SELECT methodology_id, count(*) FROM methodology_item GROUP BY 1").fetchall())
    # index items + 2 perception + 1 outcome (+ 10 expectation from 2022)
    assert counts == {"sipas_2017": 25, "sipas_2022": 46, "sipas_2023": 52}
    row = con.execute(
        "SELECT kind, element_code, scale_max, positive_min, positive_max, missing_codes, position "
        "FROM methodology_item WHERE methodology_id = 'sipas_2023' AND item_code = 'no_harassment'"
    ).fetchall()[0]
    assert row == ("perception", None, 3, 1, 1, [9], 41)  # after the 39 index items and the outcome
    (n_sat,) = con.execute(
        "SELECT count(*) FROM methodology_item WHERE methodology_id = 'sipas_2022' AND kind = 'satisfaction'"
    ).fetchall()[0]
    assert n_sat == 33
    tree = con.execute(
        "SELECT component_code, parent_code, weight, position FROM methodology_component "
        "WHERE methodology_id = 'sipas_2017' ORDER BY position"
    ).fetchall()
    assert tree[:2] == [("overall", None, 1.0, 1), ("service", "overall", 1.0, 2)]
    meta = con.execute(
        "SELECT formula_status, file_sha256 FROM methodology WHERE methodology_id = 'sipas_2022'"
    )
    assert meta.fetchall()[0] == ("assumed", designs["sipas_2022"].sha256)


# ------------------------------------------------------------------------------------------ broken files

_VALID = """
id = "{id}"
name_vi = "Thử nghiệm"
name_en = "Test"
first_year = 2017
last_year = 2018
legal_basis = "Không có"
population_vi = "Người dân"
population_en = "Citizens"
aggregation = "mean_of_children"
formula_status = "assumed"
notes = "test"

[scale]
min = 1
max = 5
positive_min = {positive_min}
positive_max = 5
missing_codes = [9]
labels_vi = ["1", "2", "3", "4", "5"]
labels_en = ["1", "2", "3", "4", "5"]

[[components]]
code = "overall"
level = "overall"
name_vi = "Tổng"
name_en = "Overall"

[[components]]
code = "service"
level = "domain"
parent = "{domain_parent}"
name_vi = "Dịch vụ"
name_en = "Service"

[[components]]
code = "access"
level = "element"
parent = "service"
name_vi = "Tiếp cận"
name_en = "Access"

[[components]]
code = "procedure"
level = "element"
parent = "service"
name_vi = "Thủ tục"
name_en = "Procedure"

[[items]]
code = "access_signage"
kind = "satisfaction"
element = "access"
text_vi = "Có biển hiệu."
text_en = "Has signs."
wording_status = "reconstructed"

[[items]]
code = "{second_code}"
kind = "satisfaction"
element = "{second_element}"
text_vi = "Đúng quy định."
text_en = "As required."
wording_status = "reconstructed"
"""


def _write(tmp_path: Path, **overrides: str) -> Path:
    values = {
        "id": "broken",
        "positive_min": "4",
        "domain_parent": "overall",
        "second_code": "procedure_fees",
        "second_element": "procedure",
    }
    values |= overrides
    path = tmp_path / f"{values['id']}.toml"
    path.write_text(_VALID.format(**values), encoding="utf-8")
    return path


def test_small_valid_file_loads(tmp_path: Path) -> None:
    m = load_methodology(_write(tmp_path))
    assert [i.code for i in m.index_items()] == ["access_signage", "procedure_fees"]
    assert load_all(tmp_path)["broken"].sha256 == m.sha256


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        # element 'procedure' is left without any satisfaction item
        ({"second_code": "access_fees", "second_element": "access"}, "components[3]", "no satisfaction item"),
        ({"second_code": "result_x", "second_element": "result"}, "items[1].element", "not an element"),
        ({"domain_parent": "root"}, "components[1].parent", "unknown parent"),
        ({"positive_min": "6"}, "scale", "min <= positive_min"),
        ({"positive_min": "0"}, "scale", "min <= positive_min"),
        (
            {"second_code": "access_signage", "second_element": "access"},
            "items[1].code",
            "duplicate item code",
        ),
        (
            {"second_code": "procedure_fees", "second_element": "service"},
            "items[1].element",
            "not an element",
        ),
    ],
)
def test_validation_errors(tmp_path: Path, overrides: dict, field: str, fragment: str) -> None:
    with pytest.raises(MethodologyError) as err:
        load_methodology(_write(tmp_path, **overrides))
    assert err.value.file == "broken.toml"
    assert err.value.field == field
    assert fragment in err.value.message_en
    assert err.value.message_vi


def test_duplicate_component_code(tmp_path: Path) -> None:
    path = _write(tmp_path)
    text = path.read_text(encoding="utf-8").replace('code = "procedure"\n', 'code = "access"\n')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MethodologyError, match="duplicate component code 'access'"):
        load_methodology(path)


def test_missing_code_inside_range_and_missing_key(tmp_path: Path) -> None:
    path = _write(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("missing_codes = [9]", "missing_codes = [3]"))
    with pytest.raises(MethodologyError, match="inside the answer range"):
        load_methodology(path)
    path.write_text(_write(tmp_path).read_text(encoding="utf-8").replace('formula_status = "assumed"\n', ""))
    with pytest.raises(MethodologyError) as err:
        load_methodology(path)
    assert err.value.field == "formula_status"


def test_non_nfc_text_and_bad_item_scale(tmp_path: Path) -> None:
    path = _write(tmp_path)
    decomposed = unicodedata.normalize("NFD", "Có biển hiệu.")
    path.write_text(path.read_text(encoding="utf-8").replace("Có biển hiệu.", decomposed), encoding="utf-8")
    with pytest.raises(MethodologyError, match="NFC"):
        load_methodology(path)
    path = _write(tmp_path)
    text = path.read_text(encoding="utf-8") + "scale_max = 3\npositive_min = 1\npositive_max = 1\n"
    path.write_text(text, encoding="utf-8")  # range changed without labels
    with pytest.raises(MethodologyError, match="labels required"):
        load_methodology(path)


def test_wave_validation(tmp_path: Path, designs: dict[str, Methodology]) -> None:
    path = tmp_path / "waves.toml"
    wave = (
        '[[wave]]\nyear = {year}\nmethodology = "{mid}"\ngeo_version = "pre2025"\n'
        'notes_vi = "x"\nnotes_en = "x"\n'
    )
    path.write_text(wave.format(year=2022, mid="sipas_2017"), encoding="utf-8")
    with pytest.raises(MethodologyError, match="covers 2017..2021"):
        load_waves(path, designs)
    path.write_text(wave.format(year=2019, mid="sipas_1999"), encoding="utf-8")
    with pytest.raises(MethodologyError, match="unknown methodology"):
        load_waves(path, designs)
    path.write_text(wave.format(year=2019, mid="sipas_2017") * 2, encoding="utf-8")
    with pytest.raises(MethodologyError, match="duplicate wave year"):
        load_waves(path, designs)


def test_methodology_dir_is_default() -> None:
    assert METHODOLOGY_DIR.name == "designs"
    assert sorted(p.stem for p in METHODOLOGY_DIR.glob("*.toml")) == [
        "sipas_2017",
        "sipas_2022",
        "sipas_2023",
    ]
