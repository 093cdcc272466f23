"""Models, data, training loop, probes and run directories for the labs.

Imports torch (lazily, inside the modules that need it), never textual or rich.
"""
