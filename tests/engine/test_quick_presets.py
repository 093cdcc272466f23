"""The product's promise, checked: every lab's quick preset, run as a student runs it, shows
each claim it decides, and its verdict's figures are the run's own metrics.

Slow (a few minutes on 2 cores): marked `slow`, run by `make check` and so by CI; `make
test-fast` leaves it out. The labs run one after another in one data directory, in the
catalogue's order, so the Transformer lab reuses the seq2seq run's GRU baseline, as it would
for a student who ran the labs in order.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from engine import catalogue
from engine.runs import launch, rundir

pytestmark = pytest.mark.slow

RUN_TIMEOUT_S = 900  # one lab's quick preset; ~10x its time on a quiet 2-core machine
LABS = ["features", "forecast", "memory", "resnet", "seq2seq", "transformer"]


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("quick") / "runs"
    out = {}
    for lab in LABS:
        run_dir = launch.prepare(lab, root, "quick", {}, seed=0, device="cpu")
        proc = launch.start(run_dir)
        try:
            code = proc.wait(timeout=RUN_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
        summary = rundir.inspect(run_dir).summary
        assert code == 0 and summary is not None, (run_dir / "engine.log").read_text()
        out[lab] = summary
    assert not rundir.running_runs(root)  # every process ended
    return out


def test_every_lab_has_a_quick_run_here() -> None:
    assert sorted(LABS) == sorted(catalogue.LABS)  # a new lab must join this tier


@pytest.mark.parametrize("lab", LABS)
def test_the_quick_preset_shows_every_claim_it_decides(
    summaries: dict[str, dict[str, Any]], lab: str
) -> None:
    verdict = summaries[lab]["verdict"]
    claims = verdict["claims"]
    assert claims, "a verdict lists its claims"
    not_shown = [(c["id"], c["evidence"]["en"]) for c in claims if c["status"] == "not_shown"]
    assert not not_shown, not_shown
    decided = [c for c in claims if c["status"] == "shown"]
    assert decided and verdict["shown"] is True


@pytest.mark.parametrize("lab", LABS)
def test_the_verdicts_figures_are_the_runs_own_metrics(
    summaries: dict[str, dict[str, Any]], lab: str
) -> None:
    arms = summaries[lab]["arms"]
    checked = 0
    for claim in summaries[lab]["verdict"]["claims"]:
        for key, value in (claim.get("figures") or {}).items():
            arm, _, metric = key.partition("_")
            if arm in arms and metric in arms[arm]:
                assert math.isclose(value, arms[arm][metric], rel_tol=1e-12), (claim["id"], key)
                checked += 1
    assert checked >= 1, "every lab's verdict quotes at least one metric of its arms"


def test_the_transformer_reused_the_seq2seq_baseline(summaries: dict[str, dict[str, Any]]) -> None:
    assert summaries["transformer"]["arms"]["gru"] == summaries["seq2seq"]["arms"]["dot"]
    long_range = summaries["transformer"]["verdict"]["claims"][0]
    assert "finished seq2seq run" in long_range["evidence"]["en"]
    json.dumps(summaries)  # plain JSON throughout
