"""The headless commands: `dlearn lab ...` and `dlearn runs ...`, one module per command.

Their arguments are declared in `tui.labargs` (which every `dlearn` start builds, so it
imports nothing); each leaf names its handler here as "module:function", and `tui.cli`
imports that module only when its command runs. Runs are reached only through the
torch-free `engine.runs`: a run is always its own process.

- `lab_list`   `dlearn lab list`: the labs, their claims, parameters and presets
- `lab_run`    `dlearn lab run` / `lab resume`: start a run and follow it to its verdict
- `runs`       `dlearn runs list|show|compare|export`
- `translate`  `dlearn lab translate`: a finished model on the student's own input
- `exercise`   `dlearn exercise list|show|start|check|hint|solution` (issue 13)
- `common`     their messages (ko/en) and finding a run by name
"""
