"""Every config mistake of the corpus (tests/config_mistakes.py) is caught before anything loads,
named by its field, and reported in one message with the others."""

from __future__ import annotations

import pytest

from config_mistakes import mistakes
from reliability_figures import record
from sqlrl.cli import checks
from sqlrl.errors import UserError

CASES = mistakes()


@pytest.fixture(autouse=True)
def nothing_loads(monkeypatch):
    """A check that loaded a model, tokenizer or dataset would fail the test."""
    from sqlrl import data, models
    from sqlrl.train import common

    for mod, name in ((common, "load_model_and_tokenizer"), (models, "load_model"), (models, "load_tokenizer"),
                      (data, "load_dataset")):
        monkeypatch.setattr(mod, name, lambda *a, **k: pytest.fail("something loaded during the checks"))


@pytest.mark.parametrize("name,recipe,overrides,field", CASES, ids=[c[0] for c in CASES])
def test_mistake_is_caught_before_loading(name, recipe, overrides, field, tmp_path):
    cfg, found, where = checks.load_with_problems(recipe, [f"output_dir={tmp_path / 'run'}", *overrides], cuda=False)
    assert field in {p.field for p in found}, f"{name}: {[str(p) for p in found]}"
    record("config", mistakes=1, caught=1)


def test_all_mistakes_of_one_recipe_in_one_message(tmp_path):
    """One override per field, all at once: every field is named in the one error. (A dataset or preset typo
    hides the split and reward-name checks that depend on it, so those two stay out.)"""
    picked, seen = [], set()
    for _, recipe, overrides, field in CASES:
        keys = {o.split("=", 1)[0] for o in overrides}
        if recipe == "demo" and field.startswith(("training.", "model.", "data.", "reward.", "eval.", "env.")) \
                and not keys & seen and field != "training" and not keys & {"data.dataset", "reward.preset"}:
            picked.append((overrides, field))
            seen |= keys
    assert len(picked) >= 25
    overrides = [o for over, _ in picked for o in over]
    with pytest.raises(UserError) as e:
        checks.load_checked("demo", [f"output_dir={tmp_path / 'run'}", *overrides], cuda=False)
    message = str(e.value)
    missing = [field for _, field in picked if f"  - {field}=" not in message]
    assert not missing, message
    assert message.startswith(f"{message.count(chr(10) + '  - ')} problems in ")
    record("config", one_message_fields=len(picked))
