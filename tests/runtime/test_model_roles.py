"""Two model roles on one model thread: the fast model and the answer model.

Real SmolLM2 serves both roles here (the answer role through a second path to the same folder,
so it is loaded as a second model); the split-GGUF import runs on a small synthetic model.
"""

from __future__ import annotations

import pytest
from gguf_builders import write_tiny_llama

from app.config import DEFAULT_ANSWER_MODEL, DEFAULT_MODEL, Settings, read_settings, save_settings
from app.events import ModelLoading, ModelReady
from app.runtime.api import GenerationRequest

QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


def test_old_settings_files_get_the_default_answer_model(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[model]\nname = "SmolLM2-135M-Instruct"\nmax_tokens = 200\n')
    model = read_settings(path).model
    assert (model.name, model.answer, model.max_tokens) == (DEFAULT_MODEL, DEFAULT_ANSWER_MODEL, 200)
    path.write_text('[model]\nanswer = ""\n')
    assert read_settings(path).model.answer == ""


def _settings(fast: str, answer: str) -> Settings:
    settings = Settings()
    settings.model.name, settings.model.answer = fast, answer
    return settings


def test_answer_requests_run_on_the_answer_model_loaded_in_the_background(default_model_dir, tmp_path, monkeypatch):
    from app.paths import get_paths
    from app.runtime.service import ANSWER_MODEL_ENV, ModelService

    monkeypatch.delenv(ANSWER_MODEL_ENV, raising=False)
    second = tmp_path / "answer-model"
    second.symlink_to(default_model_dir, target_is_directory=True)
    seen: list = []
    service = ModelService(get_paths(), _settings(str(default_model_dir), str(second)), listener=seen.append)
    try:
        service.ensure_loaded()
        fast = service.generate(GenerationRequest(messages=QUESTION, max_tokens=8)).result(120)
        answer = service.generate(GenerationRequest(messages=QUESTION, max_tokens=8, model_role="answer")).result(120)
        ready = [e.name for e in seen if isinstance(e, ModelReady)]
        assert ready == [str(default_model_dir), str(second)]  # the answer model loaded once, after the fast one
        assert fast.text == answer.text  # same weights, greedy: the same words
        status = service.role_status()
        assert status["answer"].endswith("(loaded)") and status["fast"].endswith("(loaded)")
    finally:
        service.shutdown()


def test_a_missing_answer_model_falls_back_to_the_fast_model_and_says_so(default_model_dir, monkeypatch):
    from app.paths import get_paths
    from app.runtime.service import ANSWER_MODEL_ENV, ModelService

    monkeypatch.delenv(ANSWER_MODEL_ENV, raising=False)
    seen: list = []
    service = ModelService(get_paths(), _settings(str(default_model_dir), "no-such-answer-model"), listener=seen.append)
    try:
        done = service.generate(GenerationRequest(messages=QUESTION, max_tokens=8, model_role="answer")).result(120)
        assert done.generation_tokens > 0
        notes = [e.message for e in seen if isinstance(e, ModelLoading) and e.name == "no-such-answer-model"]
        assert any("not available" in n and str(default_model_dir) in n for n in notes)
        assert "unavailable" in service.role_status()["answer"]
    finally:
        service.shutdown()


def test_the_test_suite_answers_with_the_fast_model_unless_asked(default_model_dir):
    from app.paths import get_paths
    from app.runtime.service import ModelService

    service = ModelService(get_paths(), _settings(str(default_model_dir), DEFAULT_ANSWER_MODEL))
    assert service.role_names["answer"] == str(default_model_dir)


def test_split_embedded_gguf_is_joined_and_imported(tmp_path, monkeypatch):
    from app import bundled
    from app.paths import get_paths
    from app.runtime import registry

    gguf = tmp_path / "tiny.gguf"
    write_tiny_llama(gguf)
    data = gguf.read_bytes()
    parts = []
    for i, start in enumerate(range(0, len(data), len(data) // 3 + 1)):
        part = tmp_path / f"part{i}.bin"
        part.write_bytes(data[start : start + len(data) // 3 + 1])
        parts.append(part)
    monkeypatch.setattr(bundled, "bundled_parts", lambda: parts)
    paths = get_paths()
    path = registry.locate_model(paths, DEFAULT_ANSWER_MODEL)
    assert path == paths.models_dir / DEFAULT_ANSWER_MODEL and registry.is_model_dir(path)
    assert [p.name for p in paths.models_dir.iterdir()] == [DEFAULT_ANSWER_MODEL]  # the joined file is gone
    monkeypatch.setattr(bundled, "bundled_parts", lambda: None)
    assert registry.locate_model(paths, DEFAULT_ANSWER_MODEL) == path  # imported once


def test_models_use_sets_a_role(tmp_path, default_model_dir, capsys):
    from app.cli import main
    from app.paths import get_paths

    assert main(["models", "use", str(default_model_dir), "--role", "answer"]) == 0
    model = read_settings(get_paths().config_file).model
    assert (model.name, model.answer) == (DEFAULT_MODEL, str(default_model_dir))
    assert "to answer questions" in capsys.readouterr().out


@pytest.mark.parametrize("answer", ["", "x"])
def test_settings_round_trip_keeps_the_answer_model(answer):
    from app.paths import get_paths

    settings = _settings(DEFAULT_MODEL, answer)
    save_settings(settings, get_paths())
    assert read_settings(get_paths().config_file).model.answer == answer
