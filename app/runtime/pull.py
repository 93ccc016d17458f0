"""``hearth models pull``: fetch an mlx-community (or any mlx-lm) model — only when the user asks.

This is the one place Hearth touches a model hub, and only on an explicit user command.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from app.events import HearthError
from app.paths import Paths
from app.private import private_dir

ALLOW_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.txt", "*.jinja", "tokenizer*"]


class PullError(HearthError):
    pass


def pull_model(paths: Paths, repo_id: str, name: str | None = None) -> Path:
    """Download ``repo_id`` into the models folder atomically (temp folder, then rename)."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    target = paths.models_dir / (name or repo_id.split("/")[-1])
    if target.exists():
        raise PullError(f"a model named {target.name!r} already exists; remove it first or pass --name")
    private_dir(paths.models_dir)
    staging = paths.models_dir / f".pull-{target.name}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        snapshot_download(repo_id, local_dir=staging, allow_patterns=ALLOW_PATTERNS)
        if not (staging / "config.json").exists():
            raise PullError(f"{repo_id} has no config.json: not an mlx-lm model")
        shutil.rmtree(staging / ".cache", ignore_errors=True)  # the hub client's bookkeeping
        staging.rename(target)
    except RepositoryNotFoundError as exc:
        raise PullError(f"could not download {repo_id}: the hub has no such model (check the name)") from exc
    except (LocalEntryNotFoundError, OSError, HfHubHTTPError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PullError(f"could not download {repo_id} (is the network on?): {reason}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
