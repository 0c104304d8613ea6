"""Error pages in the reader's language (``archive/templates/error.html``).

Datasette's own handler renders ``error.html`` without the request, so without the page's
language; this one renders it as every other page is, through ``extra_template_vars``.
"""

from __future__ import annotations

from typing import Any

from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError
from markupsafe import Markup


def _status_message_title(exception: BaseException) -> tuple[int, Any, str | None]:
    # What Datasette's handler says of each kind of exception (datasette/handle_exception.py).
    if isinstance(exception, Base400):
        return exception.status, exception.args[0], None
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return exception.status, message, exception.title
    return 500, str(exception), None


async def error_page(datasette: Any, request: Any, exception: BaseException) -> Response:
    status, message, title = _status_message_title(exception)
    context = {"ok": False, "error": message, "status": status, "title": title}
    html = await datasette.render_template(
        [f"{status}.html", "error.html"], context, request=request, view_name="error"
    )
    headers: dict[str, str] = {}
    if datasette.cors:
        add_cors_headers(headers)
    return Response.html(html, status=status, headers=headers)
