"""Labs: one module per lab, imported only by the run process (they import torch).

A lab is two files:

- `engine/labs/<id>_decl.py` (torch-free): a `catalogue.Lab` — id, ko/en titles, the lecture
  claim, parameters with ranges, presets `quick`/`full`, arms, and `module` naming the file
  below. `engine.catalogue` collects every `*_decl.py`; `features` is declared in the
  catalogue itself.
- `engine/labs/<id>.py` (torch), with
    setup(arm, params, device, seed) -> engine.loop.ArmSetup   # torch is already seeded
    verdict(arms: {arm: metrics}, params) -> {"shown": bool, "evidence": {"ko", "en"}}
    arms(params) -> list[str]                                   # optional, else Lab.arms
  The generic loop (`engine.loop.Trainer`) trains each arm; `ArmSetup.probe` is called a few
  times per epoch for one display sample and `ArmSetup.finish` once after the last epoch,
  both returning payloads built with `engine.probes`.
"""
