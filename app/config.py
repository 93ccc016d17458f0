"""Settings: a TOML file under the user's config folder. Never secrets (those go to the keychain).

Each section is a small dataclass. Unknown keys are kept out, wrong types are reported with the
key's name, and a broken file never takes the app down: :func:`load_settings` says what is wrong
and falls back to defaults without overwriting the user's file.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

import tomli_w

from app.fileio import atomic_write_text
from app.paths import Paths, get_paths

DEFAULT_MODEL = "SmolLM2-135M-Instruct"  # the fast model: routing, actions, short replies
DEFAULT_ANSWER_MODEL = "Qwen2.5-Coder-0.5B-Instruct"  # answers questions (bench/models.py)
MODEL_ROLES = ("fast", "answer")
# Which role's model writes what an action needs in words (a mail's sentences, a missing title) and
# the calls for requests the pre-router does not recognise (bench/actions.py --compare).
DEFAULT_AGENT_ROLE = "answer"


@dataclass
class ModelSettings:
    name: str = DEFAULT_MODEL  # the fast model (role "fast")
    answer: str = DEFAULT_ANSWER_MODEL  # role "answer"; "" answers with the fast model
    agent: str = DEFAULT_AGENT_ROLE  # "fast" or "answer": the model that writes actions' words and calls
    max_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0
    context_limit: int = 2048
    system_prompt_file: str = ""


@dataclass
class VoiceSettings:
    input_device: str = ""
    output_device: str = ""
    stt_model: str = ""  # empty: the bundled Whisper tiny.en
    voice: str = ""  # empty: the bundled Piper en_US-joe-medium
    speak_replies: bool = True
    push_to_talk_key: str = "Space"
    cue_sounds: bool = True


@dataclass
class MemorySettings:
    backend: str = "embedded"  # "embedded" (PersistentClient) or "server" (HttpClient)
    server_host: str = "127.0.0.1"
    server_port: int = 8000
    embedding: str = "auto"  # "auto", "onnx" or "mlx"
    retrieve_top_k: int = 4


@dataclass
class AgentSettings:
    max_steps: int = 4
    approval_timeout_s: float = 300.0
    web_fetch_enabled: bool = False
    allow_rules: list[dict[str, Any]] = field(default_factory=list)  # tool, pattern, wildcard (hand-written only)


@dataclass
class MailSettings:
    smtp_host: str = ""
    smtp_port: int = 587
    username: str = ""  # the password lives in the keychain, never here
    from_address: str = ""
    sender_name: str = ""  # signs the mail Hearth drafts ("Best,\nSam"); empty: "Best," alone


@dataclass
class UISettings:
    menu_bar_only: bool = False
    theme: str = "auto"  # "auto", "light" or "dark"
    quick_prompt_hotkey: str = "Alt+Space"


def agent_role(model: ModelSettings) -> str:
    """The role whose model writes for actions ("answer" unless the settings say "fast")."""
    return model.agent if model.agent in MODEL_ROLES else DEFAULT_AGENT_ROLE


@dataclass
class Settings:
    model: ModelSettings = field(default_factory=ModelSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    memory: MemorySettings = field(default_factory=MemorySettings)
    agent: AgentSettings = field(default_factory=AgentSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    ui: UISettings = field(default_factory=UISettings)


class SettingsError(ValueError):
    """The settings file is not valid TOML or holds a value of the wrong type."""


def _coerce(section: str, key: str, value: Any, expected: Any) -> Any:
    origin = getattr(expected, "__origin__", None)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if origin is list:
        if not isinstance(value, list):
            raise SettingsError(f"[{section}] {key} must be a list")
        return value
    if isinstance(expected, type) and not isinstance(value, expected) or (
        expected is int and isinstance(value, bool)
    ):
        raise SettingsError(f"[{section}] {key} must be {getattr(expected, '__name__', expected)}")
    return value


def settings_from_dict(raw: dict[str, Any]) -> Settings:
    """Build :class:`Settings` from parsed TOML; unknown keys are ignored, wrong types raise."""
    settings = Settings()
    for section_field in dataclasses.fields(Settings):
        section_raw = raw.get(section_field.name, {})
        if not isinstance(section_raw, dict):
            raise SettingsError(f"[{section_field.name}] must be a table")
        section = getattr(settings, section_field.name)
        hints = get_type_hints(type(section))
        for key, value in section_raw.items():
            if key in hints:
                setattr(section, key, _coerce(section_field.name, key, value, hints[key]))
    return settings


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return dataclasses.asdict(settings)


def read_settings(path: Path) -> Settings:
    """Read settings strictly: raises :class:`SettingsError` on a bad file."""
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: {exc}") from exc
    return settings_from_dict(raw)


def load_settings(paths: Paths | None = None) -> Settings:
    """Read settings, falling back to defaults (and saying why on stderr) when the file is bad."""
    paths = paths or get_paths()
    try:
        return read_settings(paths.config_file)
    except SettingsError as exc:
        import sys

        print(f"hearth: settings ignored, using defaults: {exc}", file=sys.stderr)
        return Settings()


def save_settings(settings: Settings, paths: Paths | None = None) -> Path:
    """Write settings atomically (temp file + rename) so a crash never leaves half a file."""
    paths = paths or get_paths()
    return atomic_write_text(paths.config_file, tomli_w.dumps(settings_to_dict(settings)))
