"""Labs: one package per lab, `engine/labs/<id>/`, each testing one claim of the lecture.

A lab is three files:

- `__init__.py` (torch-free): a `catalogue.Lab` — id, ko/en titles, the lecture claim,
  parameters with ranges, presets `quick`/`full`, arms, a `check` across parameters, and
  `module` naming the file below. `engine.catalogue` finds every lab's package on first use.
- `<id>_lab.py` (torch), imported only by the run process, with
    setup(arm, run, device) -> engine.training.loop.ArmSetup   # torch is already seeded
    arms(params) -> list[str]                                   # optional, else Lab.arms
    verdict                                                     # imported from the file below
  The generic loop (`engine.training.loop.Trainer`) trains each arm; `ArmSetup.probe` is
  called a few times per epoch for one display sample and `ArmSetup.finish` once after the
  last epoch, both returning payloads built with `engine.training.probes`.
- `<id>_verdict.py` (torch-free): `verdict(run) -> {"shown": bool, "evidence": {"ko", "en"}, ...}`
  from the finished arms' metrics, so its sentences are tested without training anything.

`run` is the run's `engine.training.context.RunContext`: its parameters, seed, device, each
finished arm's metrics, the lines several arms draw on one chart, and facts a lab keeps for
later arms. It is saved in every checkpoint, so a lab keeps no state of its own.
"""
