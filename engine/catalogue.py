"""The lab catalogue: what labs exist, light enough to import without torch.

The UI and `dlearn content check` use it to list labs and to validate lab links.
(Stub written by the lead; the engine owner replaces it with the real declarations.)
"""

from __future__ import annotations


def lab_ids() -> set[str]:
    """Ids of every lab that can be run."""
    return {"features"}
