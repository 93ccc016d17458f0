"""RFC 5545 / RFC 6350 content lines, shared by the calendar (.ics) and contacts (.vcf) parsers."""

from __future__ import annotations

import quopri
import re
from dataclasses import dataclass, field

_PARAM = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^;:,]*)(?:,(?:"[^"]*"|[^;:,]*))*)')


@dataclass
class Prop:
    name: str
    value: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Component:
    name: str
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def get(self, name: str) -> Prop | None:
        for prop in self.props:
            if prop.name == name:
                return prop
        return None

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]

    def text(self, name: str) -> str:
        prop = self.get(name)
        return unescape(prop.value) if prop else ""


def unfold(text: str) -> list[str]:
    """Join folded lines (a line starting with a space or tab continues the previous one)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    for line in text.split("\n"):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] += line[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper().split(":", 1)[0]:
            lines[-1] = lines[-1][:-1] + line  # vCard 2.1 quoted-printable soft break
        else:
            lines.append(line)
    return [line for line in lines if line.strip()]


def parse_line(line: str) -> Prop | None:
    """``NAME;PARAM=V:value`` (a group prefix like ``item1.`` is dropped)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            head, value = line[:i], line[i + 1 :]
            break
    else:
        return None
    name, _, rest = head.partition(";")
    name = name.split(".")[-1].strip().upper()
    params = {}
    for match in _PARAM.finditer(";" + rest if rest else ""):
        params[match.group(1).upper()] = match.group(2).strip('"')
    for bare in rest.split(";") if rest else []:
        if bare and "=" not in bare:  # vCard 2.1 bare types like TEL;CELL
            params.setdefault("TYPE", bare)
    if params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE":
        charset = params.get("CHARSET", "utf-8")
        try:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(charset, "replace")
        except LookupError:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode("utf-8", "replace")
    return Prop(name, value, params)


def parse(text: str) -> list[Component]:
    """Top-level components (VCALENDAR, VCARD...) with their nested children."""
    roots: list[Component] = []
    stack: list[Component] = []
    for line in unfold(text):
        prop = parse_line(line)
        if prop is None:
            continue
        if prop.name == "BEGIN":
            comp = Component(prop.value.strip().upper())
            (stack[-1].children if stack else roots).append(comp)
            stack.append(comp)
        elif prop.name == "END":
            if stack:
                stack.pop()
        elif stack:
            stack[-1].props.append(prop)
    return roots


def unescape(value: str) -> str:
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out).strip()


def walk(components: list[Component], name: str) -> list[Component]:
    found = []
    for comp in components:
        if comp.name == name:
            found.append(comp)
        found.extend(walk(comp.children, name))
    return found
