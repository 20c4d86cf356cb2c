"""Every message is translated in the three languages."""

from __future__ import annotations

import string

from mapping.catalogue import LANGS
from mapping.i18n import is_rtl, messages, t


def test_every_message_has_three_translations() -> None:
    for key, entry in messages().items():
        assert set(entry) == set(LANGS), key
        fields = {tuple(sorted(f[1] for f in string.Formatter().parse(entry[lang]) if f[1]))
                  for lang in LANGS}
        assert len(fields) == 1, f"{key}: placeholders differ between languages"


def test_translate_and_fallback() -> None:
    assert t("app.title", "ar").startswith("الخريطة")
    assert t("no.such.key", "en") == "no.such.key"
    assert is_rtl("ar") and not is_rtl("fr")


def _keyed_calls() -> list[tuple[str, str, set[str]]]:
    """Every ``Error(...).keyed("key", field=...)`` of the package: (file, key, fields)."""
    import ast

    from mapping.settings import PROJECT_ROOT

    found = []
    for path in sorted((PROJECT_ROOT / "mapping").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "keyed" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.append((path.name, str(node.args[0].value),
                              {k.arg for k in node.keywords if k.arg}))
    return found


def test_errors_users_can_cause_have_their_message_in_three_languages() -> None:
    calls = _keyed_calls()
    assert {key for _file, key, _fields in calls} >= {
        "access.err.outside_region", "access.err.siting_too_large",
        "access.err.siting_no_optimum"}
    for file, key, fields in calls:
        assert key in messages(), f"{file}: {key} is not in mapping/locales"
        placeholders = {f[1] for f in string.Formatter().parse(messages()[key]["fr"]) if f[1]}
        assert placeholders == fields, f"{file}: {key} takes {placeholders}, is given {fields}"


def test_a_keyed_error_keeps_its_english_message() -> None:
    from mapping.access import AddedSchool, Scenario, ScenarioError, scenarios
    from mapping.datasets import load_region
    from mapping.registry import load_default_registry

    reg = load_default_registry()
    try:
        scenarios.apply(reg.iloc[0:0], Scenario(added=(AddedSchool(-9.95, 32.6, "primary", 100),)),
                        region=load_region())
    except ScenarioError as exc:
        assert "is in no commune of the region" in str(exc)  # the CLI's and the log's text
        assert exc.key == "access.err.outside_region"
        assert exc.params == {"lon": -9.95, "lat": 32.6}
        assert "(-9.95 ; 32.6)" in t(exc.key, "fr", **exc.params)
    else:
        raise AssertionError("a school in the Atlantic was accepted")
