"""Open a web address or an application with the system's opener."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.parse
from typing import Any

from app.policy.tiers import Risk, Tier
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string

_MONEY = re.compile(r"(checkout|purchase|/buy|/cart|/order|payment|paypal|stripe|/pay\b|venmo|wallet|billing)", re.I)


def _opener() -> list[str]:
    if sys.platform == "darwin":
        return ["open"]
    if shutil.which("xdg-open"):
        return ["xdg-open"]
    raise ToolError("no program to open things with (xdg-open is not installed)")


def _url_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    url = str(args.get("url", ""))
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    r = Risk(Tier.REVERSIBLE, explanation=f"This opens {url} in your browser.")
    if scheme in ("http", "https"):
        r.raise_to(Tier.EXTERNAL, "Opening a web address contacts that website (network access).")
        if _MONEY.search(url):
            r.raise_to(Tier.MONEY, "The address looks like a purchase, payment or checkout page.")
    elif scheme == "mailto":
        r.raise_to(Tier.EXTERNAL, "It starts a mail to someone.")
    else:
        r.raise_to(Tier.UNKNOWN, f"Hearth does not know what a '{scheme or 'plain'}' address opens.")
    return r


def _open_url(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    url = str(args["url"])
    subprocess.run([*_opener(), url], check=False, capture_output=True, timeout=30)
    return ToolOutput(True, f"opened {url}")


# Applications whose purpose is to run commands or scripts: opening one hands over the computer.
# Compared on letters and digits only, so "Script Editor", "ScriptEditor.app" and
# "com.apple.ScriptEditor2" all match.
_RUNS_CODE = ("terminal", "iterm", "scripteditor", "applescript", "automator", "shortcuts", "xterm", "konsole",
              "alacritty", "kitty", "wezterm", "warp", "hyper", "tilix", "terminator", "guake", "console",
              "pythonlauncher", "python", "xcode", "osascript", "shell", "bash", "zsh", "fish", "powershell")


def _compact(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _app_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    name = str(args.get("name", ""))
    r = Risk(Tier.REVERSIBLE, explanation=f"This opens the application {name}.")
    r.reasons.append("Opening an application is a local change you can undo by quitting it.")
    if "/" in name or name.startswith("-"):
        r.raise_to(Tier.UNKNOWN, "The name looks like a path or an option, not an application name.")
    compact = _compact(name)
    if any(k in compact for k in _RUNS_CODE):
        r.raise_to(Tier.DESTRUCTIVE, f"{name} runs commands or scripts: what it does next is not limited.")
    if any(k in compact for k in ("keychain", "terminal", "systemsettings", "systempreferences", "security",
                                  "passwords", "1password", "bitwarden")):
        r.raise_to(Tier.CREDENTIALS, f"{name} can change passwords or security settings.")
    return r


def _open_app(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    name = str(args["name"])
    if sys.platform == "darwin":
        done = subprocess.run(["open", "-a", name], check=False, capture_output=True, text=True, timeout=30)
    elif shutil.which("gtk-launch"):
        done = subprocess.run(["gtk-launch", name], check=False, capture_output=True, text=True, timeout=30)
    else:
        raise ToolError("opening applications is not supported on this system")
    if done.returncode != 0:
        raise ToolError(f"could not open {name}: {done.stderr.strip() or 'unknown application'}")
    return ToolOutput(True, f"opened {name}")


def _has(program: str) -> bool:
    """Whether ``program`` is installed (macOS has ``open`` for both)."""
    return sys.platform == "darwin" or shutil.which(program) is not None


def _url_setup(ctx: ToolContext) -> str:
    if _has("xdg-open"):
        return ""
    return ("Opening web addresses needs xdg-open, which is not installed: install the xdg-utils package "
            "(on Debian or Ubuntu: `sudo apt install xdg-utils`).")


def _app_setup(ctx: ToolContext) -> str:
    if _has("gtk-launch"):
        return ""
    return ("Opening applications needs gtk-launch, which is not installed: install the libgtk-3-bin package "
            "(on Debian or Ubuntu: `sudo apt install libgtk-3-bin`).")


TOOLS = [
    Tool("open_url", "Open a web address in the browser.", obj({"url": string("The full address.")}), _url_risk,
         _open_url, preview=lambda a, c: f"open {a.get('url', '')}", family="open", setup_needed=_url_setup),
    Tool("open_app", "Open an application by name.", obj({"name": string("The application's name.")}), _app_risk,
         _open_app, preview=lambda a, c: f"open -a {a.get('name', '')}", family="open", setup_needed=_app_setup),
]
