"""The validation report, rejected rows and accepted schools in each language."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.i18n import messages
from mapping.registry import read_registry
from mapping.registry.validate import CODES
from mapping.report_text import (
    message_text,
    translate_rejected,
    translate_report,
    translate_schools,
)

CSV = (
    "code,nom,cycle,secteur,commune,lon,lat,places,eleves\n"
    "A1,École Alpha,Primaire,public,07.041.01.01,-7.66,31.55,200,180\n"
    "A1,École Beta,Primaire,public,07.041.01.01,-7.67,31.56,200,180\n"
    "A3,École Gamma,université,public,07.041.01.01,-7.66,31.55,200,180\n"
    "A4,École Delta,Primaire,mixte,07.041.01.01,2.35,48.85,200,180\n"
    "A5,,Collégial,public,07.041.01.01,,,abc,90\n"
).encode()


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return read_registry(CSV, "my_schools.csv")


def test_every_report_code_has_a_full_message() -> None:
    for code in CODES:
        assert f"report.msg.{code}" in messages(), code
        assert f"registry.issue.{code}" in messages(), code


def test_report_in_french(result) -> None:  # type: ignore[no-untyped-def]
    fr = translate_report(result.issues, "fr")
    assert list(fr.columns) == ["Ligne", "Colonne", "Valeur", "Gravité", "Problème",
                                "Explication", "Code du problème"]
    dup = fr[fr["Code du problème"] == "duplicate_id"].iloc[0]
    assert dup["Explication"] == "code d'établissement « A1 » déjà utilisé à la ligne 2"
    assert dup["Gravité"] == "erreur (ligne rejetée)"
    cyc = fr[fr["Code du problème"] == "unknown_cycle"].iloc[0]
    assert "« université »" in cyc["Explication"]
    text = " ".join(fr.astype(str).to_numpy().ravel())
    for english in ("already used", "is not a number", "error", "warning", "None"):
        assert english not in text


def test_report_in_arabic_keeps_values(result) -> None:  # type: ignore[no-untyped-def]
    ar = translate_report(result.issues, "ar")
    assert "رمز المشكل" in ar.columns
    out = ar[ar["رمز المشكل"] == "outside_region"].iloc[0]
    assert "2.35000, 48.85000" in out["التوضيح"] and "مراكش-آسفي" in out["التوضيح"]
    num = ar[ar["رمز المشكل"] == "bad_number"].iloc[0]
    assert num["التوضيح"] == "«abc» ليس عددا؛ تم تجاهله"


def test_rejected_reasons_translated(result) -> None:  # type: ignore[no-untyped-def]
    rej = translate_rejected(result.rejected, result.issues, "fr")
    assert "Motifs du rejet" in rej.columns and "Ligne" in rej.columns
    reasons = dict(zip(rej["Ligne"], rej["Motifs du rejet"], strict=True))
    assert reasons[3] == "code d'établissement « A1 » déjà utilisé à la ligne 2"
    assert "hors de la région" in reasons[5]
    assert "nom" in rej.columns  # the file's own headers stay


def test_accepted_schools_readable(result) -> None:  # type: ignore[no-untyped-def]
    en = translate_schools(result.schools, "en")
    fr = translate_schools(result.schools, "fr")
    assert "Name (French)" in en.columns and "name_fr" not in en.columns
    assert set(fr["Cycle"]) <= {"Primaire", "Collège", "Collégial", "Secondaire collégial"} \
        or not set(fr["Cycle"]) & {"primary", "lower_secondary"}
    assert "imported: my_schools.csv" not in set(fr["Source"])
    assert set(fr["Source"]) == {"importé : my_schools.csv"}
    assert not (fr.astype(str) == "None").to_numpy().any()
    assert fr["Code de la commune"].map(type).eq(str).all()


def test_unknown_code_keeps_message() -> None:
    assert message_text("new_code", "some message", None, "fr") == "some message"


def test_empty_report_has_headers() -> None:
    empty = pd.DataFrame(columns=["row", "column", "value", "severity", "code", "message"])
    assert "Ligne" in translate_report(empty, "fr").columns


def test_accepted_numbers_and_missing_location(result) -> None:  # type: ignore[no-untyped-def]
    fr = translate_schools(result.schools, "fr")
    by_id = fr.set_index("Code de l'établissement")
    assert by_id.loc["A1", "Places"] == "200"
    assert by_id.loc["A1", "Longitude"] == "-7,66000"
    assert by_id.loc["A5", "Places"] == ""
    assert by_id.loc["A5", "Localisation (provenance)"] == "sans point (rattaché à sa commune)"
