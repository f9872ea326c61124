"""`nianbao serve`: the web app for the filer and the reviewer, on the same library and store.

`create_app(WebConfig(store=...))` builds the ASGI app (Starlette, Jinja2 templates, htmx served
from this package); `nianbao.web.core` holds the security rules every page follows.
"""

from nianbao.web.core import WebConfig

__all__ = ["WebConfig"]
