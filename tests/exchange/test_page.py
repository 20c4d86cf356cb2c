"""The exchange page runs and shows the reconciliation of the published registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.settings import PROJECT_ROOT

PAGE = PROJECT_ROOT / "ui" / "pages" / "exchange.py"


def test_page_runs_and_counts_discrepancies(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARTE_SCOLAIRE_STORE_DIR", str(tmp_path))
    at = AppTest.from_file(str(PAGE), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.tabs) == 3
    assert at.metric[0].value == "0"  # the default registry was built from the census
