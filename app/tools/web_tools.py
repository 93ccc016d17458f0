"""Web fetch: off unless the user turns it on; what it returns is untrusted data."""

from __future__ import annotations

import urllib.parse
import urllib.request
from typing import Any

from app.policy.tiers import Risk, Tier
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string, truncate

MAX_BYTES = 1_000_000


def _risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    url = str(args.get("url", ""))
    host = urllib.parse.urlsplit(url).hostname or "?"
    r = Risk(Tier.EXTERNAL, explanation=f"This downloads {url} from {host}.")
    r.reasons.append("Fetching a page is network traffic: the site sees the request.")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        r.raise_to(Tier.UNKNOWN, "Only http and https addresses are fetched.")
    return r


def _fetch(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    if not ctx.settings.agent.web_fetch_enabled:
        raise ToolError("web fetch is turned off in settings")
    url = str(args["url"])
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ToolError("only http and https addresses can be fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "Hearth/0.1"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (scheme checked)
            data = response.read(MAX_BYTES)
            kind = response.headers.get_content_type()
    except OSError as exc:
        raise ToolError(f"could not fetch {url}: {exc}") from exc
    text = data.decode("utf-8", errors="replace")
    if "html" in kind:
        from bs4 import BeautifulSoup

        text = BeautifulSoup(text, "html.parser").get_text(" ", strip=True)
    return ToolOutput(True, truncate(text, 8000), untrusted_sources=(f"web: {url}",))


TOOL = Tool("web_fetch", "Download a web page and return its text.", obj({"url": string("The full address.")}),
            _risk, _fetch, family="web")
