"""One verdict per claim: the statuses, the rule that makes a verdict shown, side-by-side
ratios, reading claims back from a summary, and verdicts judged without torch."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from engine.labs import claims
from engine.labs.claims import Claim
from engine.runs.verdicts import claims_of, status_counts
from engine.text import Text

from .conftest import ROOT


def claim(status: str, claim_id: str = "c") -> Claim:
    return Claim(claim_id, Text("a claim", "주장"), status, Text("why", "이유"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("statuses", "shown"),
    [
        (["shown", "shown"], True),
        (["shown", "not_shown"], False),
        (["shown", "inconclusive", "not_judged"], True),  # undecided claims decide nothing
        (["inconclusive"], False),  # nothing decided: nothing shown
        (["not_judged", "not_judged"], False),
    ],
)
def test_a_verdict_is_shown_when_every_decided_claim_is(statuses: list[str], shown: bool) -> None:
    v = claims.verdict([claim(s, f"c{i}") for i, s in enumerate(statuses)], extra=1)
    assert v["shown"] is shown and v["extra"] == 1
    assert [c["status"] for c in v["claims"]] == statuses
    assert v["evidence"]["en"].startswith("Shown." if shown else "Not shown.")
    assert v["evidence"]["ko"].startswith("확인됨." if shown else "확인되지 않음.")
    json.dumps(v)  # the summary is plain JSON


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown status 'maybe'"):
        claim("maybe")


@pytest.mark.parametrize(
    ("ratios", "status"),
    [
        ([0.80, 0.82, 0.85, 0.81, 0.83], "below"),
        ([1.20, 1.25, 1.22, 1.18, 1.30], "above"),
        ([0.90, 1.10, 0.95, 1.05, 1.00], "overlap"),  # the middle half straddles 1
        ([0.985, 0.99, 0.98, 0.99, 0.985], "overlap"),  # consistent, but within 3 % of 1
    ],
)
def test_side_by_side_ratios(ratios: list[float], status: str) -> None:
    assert claims.ratios_of(ratios).status == status


def test_compare_pairs_the_rounds() -> None:
    a, b = [2.0, 4.0, 6.0, 8.0], [4.0, 8.0, 12.0, 16.0]  # b moves with the machine's load
    c = claims.compare(a, b)
    assert c.ratios == (0.5, 0.5, 0.5, 0.5) and c.median == 0.5 and c.status == "below"
    with pytest.raises(ValueError, match="same number of rounds"):
        claims.compare([1.0], [1.0, 2.0])


def test_claims_read_back_from_a_summary() -> None:
    v = claims.verdict([claim("shown", "a"), claim("inconclusive", "b")])
    read = claims_of(json.loads(json.dumps(v)))
    assert [(c["id"], c["status"]) for c in read] == [("a", "shown"), ("b", "inconclusive")]
    assert read[0]["claim"].get("ko") == "주장" and read[1]["evidence"].get("en") == "why"
    assert status_counts(v) == "✓1 ?1"
    # an older summary without claims still reads as one claim: the lab's
    old = claims_of({"shown": False, "evidence": {"ko": "옛", "en": "old"}})
    assert [(c["status"], c["evidence"].get("en")) for c in old] == [("not_shown", "old")]
    assert claims_of({"claims": [{"id": "x", "status": "bogus"}, 3]}) == []
    assert claims_of(None) == []


def test_every_lab_is_judged_without_torch() -> None:
    """The verdict modules read only numbers: they judge in a process that never loads torch."""
    code = """
import sys
from engine.labs.features.features_verdict import verdict as features
from engine.labs.forecast.forecast_verdict import judge as forecast
from engine.labs.memory.memory_verdict import judge as memory
from engine.labs.resnet.resnet_verdict import judge as resnet
from engine.labs.seq2seq.seq2seq_verdict import judge as seq2seq
from engine.labs.transformer.transformer_verdict import judge as transformer
from engine.training.context import RunContext

b = lambda *accs: {f"{5 * i + 1}-{5 * i + 5}": (a, 100) for i, a in enumerate(accs)}
cnn = {"test_acc": 0.99, "selectivity_conv1": 0.1, "selectivity_conv3": 0.5}
out = [
    features(RunContext("features", {"depth": 3}, finals={"cnn": {**cnn, "selectivity_init_conv3": 0.2}})),
    forecast({"gru": {"rmse_ratio": 0.9, "test_rmse": 2.0, "naive_rmse": 2.2}}, {"ko": "k", "en": "e"}, "C", 1),
    memory({a: {"test_acc": t, "grad_ratio_first_last": g, "recurrent_params": p, "weight_blocks": w}
            for a, t, g, p, w in (("rnn", 0.12, 1e-9, 1, 1), ("lstm", 1.0, 0.4, 4, 4), ("gru", 1.0, 0.2, 3, 3))}, 50),
    resnet(dict(zip(("plain-shallow", "plain-deep", "residual-shallow", "residual-deep"), (0.01, 1.0, 0.01, 0.01))),
           {a: a for a in ("plain-shallow", "plain-deep", "residual-shallow", "residual-deep")}),
    seq2seq({"none": b(0.95, 0.1), "dot": b(1.0, 0.9)}),
    transformer({"GRU": b(1.0, 0.7), "Transformer": b(1.0, 0.95)}, {}, None, None),
]
print([v["shown"] for v in out], "torch" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[True, True, True, True, True, True] False"
