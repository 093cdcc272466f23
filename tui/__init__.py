"""The Textual app and the `dlearn` command line."""

__version__ = "0.1.0"
