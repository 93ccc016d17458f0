"""Match a path against named places: after resolving ``~``, ``..`` and symlinks, case-insensitively
where the disk is, and counting anything under a place as inside it."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable
from pathlib import Path


def candidates(path: str | Path) -> list[Path]:
    """The ways a path may be named: lexically normalised (``..`` removed) and with symlinks resolved."""
    text = os.path.expanduser(str(path))
    if not os.path.isabs(text):
        text = os.path.join(os.getcwd(), text)
    lexical = Path(os.path.normpath(text))
    out = [lexical]
    try:
        real = Path(text).resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop: the lexical form is all there is
        return out
    if real != lexical:
        out.append(real)
    return out


@functools.lru_cache(maxsize=64)
def _probe_case(folder: str) -> bool | None:
    """Whether ``folder``'s disk ignores case: None when the name has no letters to swap."""
    path = Path(folder)
    name = path.name
    if not name or name.swapcase() == name:
        return None
    other = path.with_name(name.swapcase())
    try:
        return other.exists() and os.path.samefile(path, other)
    except OSError:
        return False


def case_insensitive_disk(path: str | Path) -> bool:
    """Whether the disk holding ``path`` ignores case (macOS's default does; Linux's usually not).

    Probed on the nearest existing folder whose name has letters; the platform's default otherwise.
    """
    for folder in [Path(path), *Path(path).parents]:
        if folder.exists():
            found = _probe_case(str(folder))
            if found is not None:
                return found
    return sys.platform == "darwin"


def _key(path: Path, fold: bool) -> tuple[str, ...]:
    parts = path.parts
    return tuple(p.casefold() for p in parts) if fold else parts


def is_within(path: Path, place: Path, *, fold: bool) -> bool:
    """``path`` is ``place`` or something under it (both already absolute)."""
    p, q = _key(path, fold), _key(place, fold)
    return p[: len(q)] == q


def place_forms(place: Path) -> list[Path]:
    """A place as written and, when a symlink moves it, where it really is."""
    return candidates(place)


def _moved(places: list[str]) -> set[str]:
    """The places that a symlink (the place itself or a folder above it) moves elsewhere.

    Each distinct folder is looked at once, so checking a hundred places costs a few hundred lstats,
    not a hundred full resolutions.
    """
    linked: dict[str, bool] = {}

    def is_link(text: str) -> bool:
        if text not in linked:
            linked[text] = os.path.islink(text)
        return linked[text]

    moved: set[str] = set()
    for place in places:
        text = place
        while text and text != "/":
            if is_link(text):
                moved.add(place)
                break
            text = os.path.dirname(text)
    return moved


def _within(text: str, place: str) -> bool:
    return text == place or text.startswith(place.rstrip("/") + "/")


class PlaceSet:
    """Named places prepared once, for checking many paths (a search over a folder tree)."""

    def __init__(self, listed: Iterable[Path]) -> None:
        self.places = list(listed)
        texts = [os.path.normpath(str(p)) for p in self.places]
        moved = _moved(texts)
        self._options = [[text] + ([str(Path(text).resolve(strict=False))] if text in moved else [])
                         for text in texts]

    def first(self, path: str | Path, *, fold: bool | None = None) -> Path | None:
        """The first place that ``path`` is (or is under), comparing every form of both."""
        forms = candidates(path)
        if fold is None:
            fold = case_insensitive_disk(forms[-1])

        def norm(text: str) -> str:
            return text.casefold() if fold else text

        seen = [norm(str(f)) for f in forms]
        for place, options in zip(self.places, self._options, strict=True):
            if any(_within(f, norm(o)) for o in options for f in seen):
                return place
        return None


def first_within(path: str | Path, places: Iterable[Path], *, fold: bool | None = None) -> Path | None:
    """The first of ``places`` that ``path`` is (or is under), comparing every form of both."""
    return PlaceSet(places).first(path, fold=fold)
