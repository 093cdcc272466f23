"""Reference solutions, one file per exercise, shown to a student only after a pass.

Each is a student file like any other: the tests grade them with the same grader, and the
labs can train them through `records.Passed.entry` like a student's own.
"""
