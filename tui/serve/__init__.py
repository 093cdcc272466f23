"""`dlearn serve`: the whole app in a web browser.

`server.py` is the web server (textual-serve's, with our own page: no font or script from
anywhere but this server, a font stack that names a Hangul monospace font); every browser
tab's websocket gets its own app process, `python -m tui.serve.child` (`child.py`), on the
same data directory. Lab runs stay separate processes (`engine.runs.launch`), so closing a
tab leaves them running and another tab's Labs or Runs screen follows them.
"""
