"""Province atlas: pages, text layer in French and Arabic, rankings, command line."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from mapping import cli
from mapping.datasets import Region
from mapping.errors import UnknownCodeError
from mapping.printing import atlas

YOUSSOUFIA = "07.585"
IDS = ["schooling_rate_6_to_11", "illiteracy_rate_10_plus"]


def _text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [p.extract_text() for p in reader.pages]


def findable(name: str, text: str) -> bool:
    return all(word in text for word in name.split())


def test_ranking_follows_direction_and_skips_missing() -> None:
    values = np.array([5.0, np.nan, 1.0, 9.0, 3.0, 7.0])
    best, worst = atlas.ranking(values, higher_is_better=True, n=2)
    assert best.tolist() == [3, 5] and worst.tolist() == [2, 4]
    best, worst = atlas.ranking(values, higher_is_better=False, n=2)
    assert best.tolist() == [2, 4] and worst.tolist() == [3, 5]
    best, worst = atlas.ranking(values, higher_is_better=True, n=5)
    assert set(best) & set(worst) == set()  # 5 values: at most 2 + 2
    assert len(best) == len(worst) == 2


def test_french_atlas(region: Region) -> None:
    buf = io.BytesIO()
    pages = atlas.build_atlas(region, YOUSSOUFIA, IDS, lang="fr", out=buf)
    n, texts = _text(buf.getvalue())
    assert pages == n == 1 + len(IDS) + 1  # cover, one page per indicator, summary
    assert "Atlas de la carte scolaire" in texts[0]
    assert "Province Youssoufia" in texts[0]
    assert "Taux de scolarisation des 6-11 ans" in texts[1]
    communes = region.commune_table()
    communes = communes[communes["province_code"] == YOUSSOUFIA]
    # the best-placed commune for schooling (higher is better) is listed on its page
    best = communes.loc[pd.to_numeric(communes["schooling_rate_6_to_11"]).idxmax(), "name_fr"]
    worst = communes.loc[pd.to_numeric(communes["schooling_rate_6_to_11"]).idxmin(), "name_fr"]
    page = texts[1]
    assert page.index("Les mieux placées") < page.index(f"1. {best}")
    assert page.index("Les moins bien placées") < page.index(f"1. {worst}")
    # every commune is in the summary table
    assert all(findable(name, texts[-1]) for name in communes["name_fr"])


def test_arabic_atlas(region: Region) -> None:
    buf = io.BytesIO()
    atlas.build_atlas(region, YOUSSOUFIA, IDS[:1], lang="ar", out=buf)
    n, texts = _text(buf.getvalue())
    assert n == 3
    assert findable("أطلس الخريطة المدرسية", texts[0])
    assert findable("إقليم اليوسفية", texts[0])
    names = region.communes.loc[region.communes["province_code"] == YOUSSOUFIA, "name_ar"]
    assert all(findable(name, texts[-1]) for name in names)


def test_unknown_codes(region: Region) -> None:
    with pytest.raises(UnknownCodeError, match=r"07\.041 \(Al Haouz\)"):
        atlas.build_atlas(region, "07.999", IDS, out=io.BytesIO())
    with pytest.raises(UnknownCodeError):
        atlas.build_atlas(region, YOUSSOUFIA, ["nope"], out=io.BytesIO())


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "atlas.pdf"
    code = cli.main(["atlas", "--province", YOUSSOUFIA, "--indicators", IDS[1],
                     "--lang", "en", "--no-schools", "--out", str(out)])
    assert code == 0
    assert len(PdfReader(out).pages) == 3
    assert "3 pages" in capsys.readouterr().out
    assert cli.main(["atlas", "--province", "07.999", "--out", str(out)]) == 2
