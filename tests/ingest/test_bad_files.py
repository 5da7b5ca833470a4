"""The bad-file corpus: every file is refused with a precise, bilingual message and the database is unchanged.

Rows are the numbers a person sees in Excel or a text editor (header = row 1 in these files).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ingest.conftest import fingerprint, run_cli

CORPUS = Path(__file__).resolve().parent / "corpus"
M, P = "microdata", "published"
SRC = ("--source", "Báo cáo SIPAS 2023, Bộ Nội vụ")
# (file, kind, year, extra args, code, row, column)
CASES = [
    ("empty.csv", M, 2024, (), "file_empty", None, None),
    ("only_bom.csv", M, 2024, (), "file_empty", None, None),
    ("tcvn3_font_text.csv", M, 2024, (), "encoding_legacy", None, None),
    ("vni_font_text.csv", M, 2024, (), "encoding_legacy", None, None),
    ("tcvn3_saved_as_utf8.csv", M, 2024, (), "encoding_legacy", None, None),
    ("binary_garbage.csv", M, 2024, (), "encoding_unknown", None, None),
    ("legacy_excel_97.xls", M, 2024, (), "xls_legacy", None, None),
    ("not_a_zip.xlsx", M, 2024, (), "xlsx_broken", None, None),
    ("truncated.xlsx", M, 2024, (), "xlsx_broken", None, None),
    ("zip_without_workbook.xlsx", M, 2024, (), "xlsx_broken", None, None),
    ("zip_bomb.xlsx", M, 2024, (), "xlsx_too_large_uncompressed", None, None),
    ("formulas_in_cells.xlsx", M, 2024, (), "formula", 3, "policy_info_channels"),
    ("data_only_in_hidden_sheet.xlsx", M, 2024, (), "no_header", None, None),
    ("numbers_only_no_header.csv", M, 2024, (), "no_header", None, None),
    ("broken_quotes.csv", M, 2024, (), None, None, None),
    ("survey.json", M, 2024, (), "format_unknown", None, None),
    ("answer_out_of_range.csv", M, 2024, (), "answer_out_of_range", 6, "access_signage"),
    ("answer_not_integer.csv", M, 2024, (), "answer_not_integer", 4, "procedure_public_listing"),
    ("abolished_province_ha_tay.csv", M, 2024, (), "unit_abolished", 2, "province"),
    ("misspelled_province.csv", M, 2024, (), "unit_not_found", 7, "province"),
    ("commune_in_wrong_province.csv", M, 2024, (), None, 3, None),
    ("district_in_wrong_province.csv", M, 2024, (), None, 4, "district"),
    ("merged_province_in_2025.csv", M, 2025, (), "unit_abolished", 4, "province"),
    ("duplicate_respondent_ids.csv", M, 2024, (), "respondent_duplicate", 8, "respondent_id"),
    ("missing_respondent_id_column.csv", M, 2024, (), "column_missing", None, "respondent_id"),
    ("missing_item_column.csv", M, 2024, (), "item_missing", None, "civil_servant_polite"),
    ("negative_weight.csv", M, 2024, (), "weight_invalid", 5, "weight"),
    ("zero_weight.xlsx", M, 2024, (), "weight_invalid", 4, "weight"),
    ("year_mismatch.csv", M, 2024, (), "year_mismatch", 9, "year"),
    ("unknown_category.csv", M, 2024, (), "category_unknown", 10, "sex"),
    ("phone_number_as_respondent_id.csv", M, 2024, (), "respondent_id_identifying", 2, "respondent_id"),
    ("formula_text_in_csv.csv", M, 2024, (), "formula", 3, "province"),
    ("header_only.csv", M, 2024, (), "no_rows", None, None),
    ("two_province_columns.csv", M, 2024, (), "column_duplicate", None, "Tỉnh"),
    ("year_2016_has_no_wave.csv", M, 2016, (), "year_unknown", None, None),
    ("pub_value_above_100.csv", P, 2023, SRC, "percent_out_of_range", 5, "Chỉ số SIPAS (%)"),
    ("pub_fractions_not_percent.csv", P, 2023, SRC, "values_look_like_fractions", None, "Chỉ số SIPAS (%)"),
    ("pub_abolished_unit.csv", P, 2023, SRC, "unit_abolished", 5, "Tỉnh, thành phố"),
    ("pub_same_unit_twice.csv", P, 2023, SRC, "unit_duplicate", 3, "Tỉnh, thành phố"),
    ("pub_value_not_a_number.csv", P, 2023, SRC, "percent_invalid", 5, "Chỉ số SIPAS (%)"),
    ("pub_code_and_name_disagree.csv", P, 2023, SRC, "unit_code_name_mismatch", 3, "Mã tỉnh"),
    ("pub_rank_not_integer.csv", P, 2023, SRC, "rank_invalid", 4, "Xếp hạng"),
    ("pub_value_above_100.csv", P, 2023, (), "source_missing", None, None),
]


@pytest.fixture(scope="module")
def shared_db(demo_db_path, tmp_path_factory) -> Path:
    """One copy for the whole corpus: nothing may change it."""
    target = tmp_path_factory.mktemp("corpus") / "sipas.duckdb"
    shutil.copyfile(demo_db_path, target)
    return target


def test_corpus_is_complete() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".xls", ".json")}
    assert files == {c[0] for c in CASES}
    assert len(CASES) + 2 >= 30  # + the two size-limit files made at test time below


@pytest.mark.parametrize(("name", "kind", "year", "extra", "code", "row", "column"), CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in CASES])  # fmt: skip
def test_bad_file_is_refused_and_database_unchanged(
    shared_db, name, kind, year, extra, code, row, column
) -> None:
    before = fingerprint(shared_db)
    # in this process (the import worker would add ≈ 2 s of start-up to each file; the refusals it gives are
    # the same: test_worker_gives_the_same_refusals below, tests/ingest/test_worker.py)
    exit_code, out = run_cli(kind, str(CORPUS / name), "--year", str(year), "--db", str(shared_db), *extra,
                             "--in-process")  # fmt: skip
    assert exit_code == 2, out
    assert out["ok"] is False and out["errors"], out
    for error in out["errors"]:
        assert error["message_vi"] and error["message_en"] and error["message_vi"] != error["message_en"]
    matching = [e for e in out["errors"] if code is None or e["code"] == code]
    assert matching, f"expected {code}, got {[e['code'] for e in out['errors']]}"
    if row is not None:
        assert any(e["row"] == row for e in matching), [(e["code"], e["row"], e["column"]) for e in matching]
    if column is not None:
        assert any(e["column"] == column for e in matching), [(e["code"], e["column"]) for e in matching]
    assert fingerprint(shared_db) == before


@pytest.mark.parametrize("name", ["tcvn3_font_text.csv", "zip_bomb.xlsx", "formulas_in_cells.xlsx",
                                  "misspelled_province.csv", "data_only_in_hidden_sheet.xlsx"])  # fmt: skip
def test_worker_gives_the_same_refusals(shared_db, name) -> None:
    """The command line's default, validation in the import worker, refuses like the in-process check."""
    args = (M, str(CORPUS / name), "--year", "2024", "--db", str(shared_db))
    assert run_cli(*args) == run_cli(*args, "--in-process")


def test_abolished_province_names_its_successor(shared_db) -> None:
    _, out = run_cli(
        M,
        str(CORPUS / "abolished_province_ha_tay.csv"),
        "--year",
        "2024",
        "--db",
        str(shared_db),
        "--in-process",
    )
    error = next(e for e in out["errors"] if e["code"] == "unit_abolished")
    assert (
        "Hà Tây" in error["message_vi"]
        and "Thành phố Hà Nội" in error["message_vi"]
        and "2008" in error["message_vi"]
    )
    assert "Hanoi" in error["message_en"] or "Hà Nội" in error["message_en"]


def test_file_beyond_the_size_limit(shared_db, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SIPAS_IMPORT_MAX_MB", "1")
    for suffix in (".csv", ".xlsx"):
        big = tmp_path / f"huge{suffix}"
        with open(big, "wb") as handle:
            handle.truncate(1_048_576 + 1)  # sparse: 1 MiB + 1 byte of zeros
        before = fingerprint(shared_db)
        exit_code, out = run_cli(M, str(big), "--year", "2024", "--db", str(shared_db))  # in the worker
        assert exit_code == 2 and [e["code"] for e in out["errors"]] == ["file_too_large"]
        assert "SIPAS_IMPORT_MAX_MB" in out["errors"][0]["message_en"]
        assert fingerprint(shared_db) == before


def test_many_bad_answers_are_counted_beyond_the_listed_ones(shared_db, tmp_path) -> None:
    from tests.ingest.builders import microdata_frame

    frame = microdata_frame(2024, per_psu=300)  # 1,200 rows, every access_signage answer out of scale
    frame["access_signage"] = 6
    path = tmp_path / "many.csv"
    frame.to_csv(path, index=False)
    _, out = run_cli(M, str(path), "--year", "2024", "--db", str(shared_db), "--in-process")
    assert out["counts"]["answer_out_of_range:error"] == 1200
    assert len(out["errors"]) + out["not_listed"] >= 1200 and len(out["errors"]) <= 1000
