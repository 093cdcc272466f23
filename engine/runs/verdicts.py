"""Reading a run's verdict: its claims, their marks and the words for their statuses.

A finished run's `summary.json` holds `verdict.claims`, one per checkable sentence of the
lecture (`engine.labs.claims` builds them). The app and the CLI list them through here, and
a summary written by an older dlearn, without claims, still reads as one claim: the lab's.
Torch-free.
"""

from __future__ import annotations

from typing import Any

from engine.text import Text

STATUSES = ("shown", "not_shown", "inconclusive", "not_judged")
MARKS = {"shown": "✓", "not_shown": "✗", "inconclusive": "?", "not_judged": "–"}
WORDS = {
    "shown": Text("shown", "확인됨"),
    "not_shown": Text("not shown", "확인되지 않음"),
    "inconclusive": Text("inconclusive", "판정 보류"),
    "not_judged": Text("not judged here", "여기서는 판정 못 함"),
}


def claims_of(verdict: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The verdict's claims as {"id", "claim": Text, "status", "evidence": Text}; malformed
    entries are left out, and a verdict without claims gives its evidence as one claim."""
    if not isinstance(verdict, dict):
        return []
    raw = verdict.get("claims")
    if not isinstance(raw, list):
        if "shown" not in verdict:
            return []
        status = "shown" if verdict.get("shown") else "not_shown"
        evidence = Text.of(verdict.get("evidence") or "")
        return [{"id": "claim", "claim": Text("", ""), "status": status, "evidence": evidence}]
    out = []
    for item in raw:
        if isinstance(item, dict) and item.get("status") in STATUSES:
            out.append(
                {
                    "id": str(item.get("id", "")),
                    "claim": Text.of(item.get("claim") or ""),
                    "status": item["status"],
                    "evidence": Text.of(item.get("evidence") or ""),
                }
            )
    return out


def status_counts(verdict: dict[str, Any] | None) -> str:
    """ "✓2 ?1": how many claims have each status, in marks (empty without claims)."""
    claims = claims_of(verdict)
    return " ".join(
        f"{MARKS[s]}{n}" for s in STATUSES if (n := sum(c["status"] == s for c in claims))
    )
