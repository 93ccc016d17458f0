"""The tool registry: which tools exist for this run (web fetch only when the user turned it on)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from app.config import Settings
from app.tools.base import Tool


class ToolRegistry:
    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"two tools are named {tool.name!r}")
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return list(self._tools)

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools


def default_tools(settings: Settings, *, memory: object | None = None) -> ToolRegistry:
    """Every built-in tool; memory tools only with a memory, web fetch only when enabled."""
    from app.tools import (
        calendar_tools,
        file_tools,
        mail_tools,
        memory_tools,
        open_tools,
        shell_tool,
        web_tools,
    )

    tools: list[Tool] = [*file_tools.TOOLS, shell_tool.TOOL, *open_tools.TOOLS, *calendar_tools.TOOLS, *mail_tools.TOOLS]
    if memory is not None:
        tools.extend(memory_tools.TOOLS)
    if settings.agent.web_fetch_enabled:
        tools.append(web_tools.TOOL)
    return ToolRegistry(tools)
