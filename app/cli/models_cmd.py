"""``hearth models list|import|use|pull|remove``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.config import DEFAULT_ANSWER_MODEL, DEFAULT_MODEL, load_settings, save_settings
from app.paths import get_paths
from app.runtime import registry


def _progress(fraction: float, message: str) -> None:
    width = 30
    filled = int(width * max(0.0, min(1.0, fraction)))
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%} {message[:50]:<50}")
    sys.stderr.flush()
    if fraction >= 1.0:
        sys.stderr.write("\n")


def _list(args: argparse.Namespace) -> int:
    paths = get_paths()
    model = load_settings(paths).model
    answer = model.answer or model.name
    models = registry.list_models(paths)
    if not models:
        print(f"No models yet in {paths.models_dir}. The defaults ({DEFAULT_MODEL} fast, "
              f"{DEFAULT_ANSWER_MODEL} answer) are imported on first use.")
        return 0
    for info in models:
        roles = [r for r, n in (("fast", model.name), ("answer", answer)) if n == info.name]
        mark, role_text = ("*", f"  [{' + '.join(roles)}]") if roles else (" ", "")
        print(f"{mark} {info.name:<32} {info.size_bytes / 1e6:8.1f} MB  {info.architecture:<8} {info.quantization}{role_text}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from app.runtime.gguf_import import import_gguf

    paths = get_paths()
    path = import_gguf(Path(args.file), paths.models_dir, name=args.name, progress=_progress, overwrite=args.overwrite)
    print(f"Imported {path.name} into {path}. Use it with: hearth models use {path.name}")
    return 0


def _use(args: argparse.Namespace) -> int:
    paths = get_paths()
    registry.locate_model(paths, args.name, progress=_progress)
    settings = load_settings(paths)
    if args.role == "answer":
        settings.model.answer = args.name
    else:
        settings.model.name = args.name
    save_settings(settings, paths)
    what = "to answer questions" if args.role == "answer" else "as its fast model (routing, actions, short replies)"
    print(f"Hearth now uses {args.name} {what}.")
    return 0


def _pull(args: argparse.Namespace) -> int:
    from app.runtime.pull import pull_model

    path = pull_model(get_paths(), args.repo, args.name)
    print(f"Downloaded {args.repo} into {path}.")
    return 0


def _remove(args: argparse.Namespace) -> int:
    paths = get_paths()
    path = registry.remove_model(paths, args.name)
    print(f"Removed {path}.")
    settings = load_settings(paths)
    if settings.model.name == args.name:
        settings.model.name = DEFAULT_MODEL
        save_settings(settings, paths)
        print(f"It was the fast model; Hearth now uses {DEFAULT_MODEL}.")
    if settings.model.answer == args.name:
        settings.model.answer = DEFAULT_ANSWER_MODEL if args.name != DEFAULT_ANSWER_MODEL else ""
        save_settings(settings, paths)
        print(f"It was the answer model; Hearth now answers with {settings.model.answer or settings.model.name}.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list, import, select, download or remove models")
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="installed models (* marks the fast and answer models)").set_defaults(handler=_list)
    p = sub.add_parser("import", help="convert a GGUF file into an MLX model folder")
    p.add_argument("file")
    p.add_argument("--name", help="name of the new model (default: from the file)")
    p.add_argument("--overwrite", action="store_true", help="replace a model of the same name (only once the new one is complete)")
    p.set_defaults(handler=_import)
    p = sub.add_parser("use", help="select the model for a role (fast: routing, actions; answer: questions)")
    p.add_argument("name")
    p.add_argument("--role", choices=("fast", "answer"), default="fast", help="which role it takes (default: fast)")
    p.set_defaults(handler=_use)
    p = sub.add_parser("pull", help="download an mlx-lm model, e.g. mlx-community/Qwen3-4B-4bit (needs network)")
    p.add_argument("repo")
    p.add_argument("--name")
    p.set_defaults(handler=_pull)
    p = sub.add_parser("remove", help="delete a model from Hearth's models folder")
    p.add_argument("name")
    p.set_defaults(handler=_remove)
