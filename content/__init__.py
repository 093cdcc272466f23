"""The course as data: lecture notes, question banks, answer checking, scheduling, progress.

Never imports torch or textual: the app's first screen is built from this package alone.
"""
