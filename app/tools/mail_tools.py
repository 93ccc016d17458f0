"""Mail: save a draft (local, undoable) or send over SMTP with the password from the keychain."""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
import time
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from app import secrets
from app.events import HearthError
from app.policy.tiers import Risk, Tier
from app.private import private_dir
from app.tools.base import Tool, ToolContext, ToolError, ToolOutput, obj, string
from app.wording import KEYCHAIN, THIS_COMPUTER


def _recipients(args: dict[str, Any]) -> list[str]:
    raw = args.get("to", [])
    items = raw if isinstance(raw, list) else [raw]
    out = [str(x).strip() for x in items if str(x).strip()]
    for address in out:
        if "@" not in address or any(c in address for c in "\r\n,;<>"):
            raise ToolError(f"{address!r} is not one mail address")
    return out


def build_message(args: dict[str, Any], ctx: ToolContext) -> EmailMessage:
    msg = EmailMessage()
    sender = ctx.settings.mail.from_address or ctx.settings.mail.username or "me@localhost"
    msg["From"] = sender
    msg["To"] = ", ".join(_recipients(args))
    subject = str(args.get("subject", ""))
    if "\n" in subject or "\r" in subject:
        raise ToolError("the subject must be one line")
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="hearth.local")
    msg.set_content(str(args.get("body", "")))
    return msg


def _preview(args: dict[str, Any], ctx: ToolContext) -> str:
    try:
        msg = build_message(args, ctx)
    except ToolError as exc:
        return f"(cannot render: {exc})"
    return f"From: {msg['From']}\nTo: {msg['To']}\nSubject: {msg['Subject']}\n\n{args.get('body', '')}"


def _draft_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    r = Risk(Tier.REVERSIBLE, explanation=f"This saves a draft to {', '.join(map(str, _as_list(args)))} "
             f"(\"{args.get('subject', '')}\"); nothing is sent.")
    r.reasons.append(f"A draft stays on {THIS_COMPUTER} and can be deleted.")
    return r


def _as_list(args: dict[str, Any]) -> list[Any]:
    raw = args.get("to", [])
    return raw if isinstance(raw, list) else [raw]


def _drafts(ctx: ToolContext) -> Path:
    folder = ctx.paths.data_dir / "drafts"
    private_dir(folder)
    return folder


def _draft(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    msg = build_message(args, ctx)
    path = _drafts(ctx) / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.eml"
    path.write_bytes(bytes(msg))
    return ToolOutput(True, f"saved the draft as {path.name}", undo={"path": str(path)})


def _draft_undo(undo: dict[str, Any], ctx: ToolContext) -> str:
    Path(undo["path"]).unlink(missing_ok=True)
    return "deleted the draft"


def _send_risk(args: dict[str, Any], ctx: ToolContext) -> Risk:
    to = ", ".join(map(str, _as_list(args)))
    r = Risk(Tier.EXTERNAL, explanation=f"This will send an email to {to} (\"{args.get('subject', '')}\"). "
             "Sent mail cannot be taken back.")
    r.reasons.append("Sending mail is external communication: it always asks.")
    return r


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _send(args: dict[str, Any], ctx: ToolContext) -> ToolOutput:
    mail = ctx.settings.mail
    if not mail.smtp_host:
        raise ToolError("no mail server is set up (settings: [mail] smtp_host)")
    msg = build_message(args, ctx)
    password = secrets.get_secret(secrets.smtp_secret_name(mail.username)) if mail.username else None
    if mail.username and not password:
        raise ToolError(f"no password for {mail.username} in the keychain")
    context = ssl.create_default_context()
    try:
        if mail.smtp_port == 465:
            server: smtplib.SMTP = smtplib.SMTP_SSL(mail.smtp_host, mail.smtp_port, timeout=30, context=context)
        else:
            server = smtplib.SMTP(mail.smtp_host, mail.smtp_port, timeout=30)
        with server:
            server.ehlo()
            if mail.smtp_port != 465:
                if server.has_extn("starttls"):
                    server.starttls(context=context)
                    server.ehlo()
                elif not _is_loopback(mail.smtp_host):
                    raise ToolError(f"{mail.smtp_host} does not offer an encrypted connection; not sending")
            if mail.username and password:
                server.login(mail.username, password)
            refused = server.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise ToolError(f"the mail server said: {exc}") from exc
    if refused:
        return ToolOutput(False, f"some recipients were refused: {', '.join(refused)}")
    return ToolOutput(True, f"sent to {msg['To']}")


def _send_setup(ctx: ToolContext) -> str:
    """How to set up sending, or "" when an SMTP server (and, for a login, its password in the
    keychain) is there; asked only when a request may send mail."""
    mail = ctx.settings.mail
    draft = "Until then I can save it as a draft: say \"Draft an email to …\"."
    if not mail.smtp_host:
        return ("Sending mail is not set up. Add your SMTP server under [mail] in "
                f"{ctx.paths.config_file} (smtp_host, smtp_port, username, from_address), then store its "
                f"password in the {KEYCHAIN} with `hearth mail set-password`. {draft}")
    if not mail.username:
        return ""
    try:
        stored = secrets.get_secret(secrets.smtp_secret_name(mail.username)) is not None
    except HearthError as exc:
        return f"Sending mail needs the password for {mail.username} from the {KEYCHAIN}, which I cannot reach: {exc} {draft}"
    if not stored:
        return (f"Sending mail needs the password for {mail.username} in the {KEYCHAIN}: run "
                f"`hearth mail set-password` once. {draft}")
    return ""


_FIELDS = {
    "to": {"type": "array", "items": string("A mail address."), "minItems": 1, "maxItems": 20},
    "subject": string("The subject line."),
    "body": string("The text of the mail."),
}
TOOLS = [
    Tool("draft_mail", "Save an email draft without sending it.", obj(_FIELDS), _draft_risk, _draft,
         preview=_preview, undo=_draft_undo, family="mail"),
    Tool("send_mail", "Send an email now.", obj(_FIELDS), _send_risk, _send, preview=_preview, family="mail",
         setup_needed=_send_setup),
]
