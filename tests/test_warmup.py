"""Background preloading of slow lazy imports (ui.warmup.preload)."""

from __future__ import annotations

import logging
import sys

import pytest

from ui.warmup import LAZY_MODULES, preload


def test_preload_imports_the_slow_lazy_modules_in_the_background() -> None:
    thread = preload()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert thread.daemon
    assert all(name in sys.modules for name in LAZY_MODULES)


def test_a_module_that_fails_to_import_is_logged_and_the_rest_still_load(
        caplog: pytest.LogCaptureFixture) -> None:
    sys.modules.pop("colorsys", None)
    with caplog.at_level(logging.ERROR, logger="carte_scolaire.warmup"):
        thread = preload(("carte_scolaire_no_such_module", "colorsys"))
        thread.join(timeout=60)
    assert "preloading carte_scolaire_no_such_module failed" in caplog.text
    assert "colorsys" in sys.modules
