"""Choosing the answer model: candidates side by side on facts-in-prompt questions and speed.

Each of the 20 questions carries its fact in the prompt (a short passage, as retrieval gives
it); an answer counts as correct when it states the expected value exactly. Each model runs in
its own process (so peak memory is its own) through Hearth's ModelService, and reports time to
first token, decode tokens/s, peak memory and accuracy.

Usage: .venv/bin/python bench/models.py MODEL [MODEL ...] [--json bench/results/models.json]
MODEL is a name in Hearth's models folder (HEARTH_HOME) or a path to an mlx-lm folder.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYSTEM = "You are Hearth. Answer the question from the passage in one short sentence."

# (passage, question, expected value stated exactly)
FACTS: list[tuple[str, str, str]] = [
    ("Contact card: Priya Raman, mobile 555-0199, email priya.raman@example.com.", "What is Priya's phone number?", "555-0199"),
    ("From CVS Pharmacy: Your prescription for lisinopril 10 mg is ready for pickup at the Elm Street store.", "Which medicine is ready for pickup?", "lisinopril"),
    ("Calendar: Dentist appointment with Dr. Okafor, Tuesday 14 March at 9:30 AM, 12 Harbor Road.", "What time is the dentist appointment?", "9:30"),
    ("Message from Tom: the gate code for the cabin is 4471, see you Friday.", "What is the gate code for the cabin?", "4471"),
    ("Invoice 88-231 from Brightline Electric: amount due $1,284.50 by 30 June.", "How much is due on the Brightline invoice?", "1,284.50"),
    ("Note: my passport number is K9043721 and it expires in 2031.", "What is my passport number?", "K9043721"),
    ("Mail from Anna Schultz: the flight is LH 455, departing Frankfurt at 13:05.", "What is the flight number?", "LH 455"),
    ("Contact card: Marcus Bell, email marcus.bell@northwind.io, works at Northwind.", "What is Marcus Bell's email address?", "marcus.bell@northwind.io"),
    ("Message from Lena: the restaurant is called Osteria Fiore, table booked for 8 people.", "What is the restaurant called?", "Osteria Fiore"),
    ("Calendar: Parent-teacher meeting on 2 April at 4:15 PM in Room 12B.", "Which room is the parent-teacher meeting in?", "12B"),
    ("Mail from the landlord: rent goes up to $2,150 per month from 1 September.", "What will the new rent be?", "2,150"),
    ("Note: Wi-Fi password at the office is maple-river-82.", "What is the office Wi-Fi password?", "maple-river-82"),
    ("Message from Dad: Grandma's birthday party is on Saturday 21 October.", "When is Grandma's birthday party?", "21 October"),
    ("Contact card: Dr. Helen Wu, dentist, phone 415-555-0143.", "What is Dr. Wu's phone number?", "415-555-0143"),
    ("Mail from Acme Insurance: your policy number is AC-7730-19 and renews on 5 May.", "What is my insurance policy number?", "AC-7730-19"),
    ("Note: the car is parked on level 3, spot 47.", "Which spot is the car parked in?", "47"),
    ("Message from Sam: the package tracking number is 1Z999AA10123456784.", "What is the tracking number?", "1Z999AA10123456784"),
    ("Calendar: Yoga class every Wednesday at 6:45 PM at Sunrise Studio.", "Where is the yoga class?", "Sunrise Studio"),
    ("Mail from the school: the field trip costs $35 per child, due by Friday.", "How much does the field trip cost?", "35"),
    ("Note: the storage unit is number 218 at SecureStore, code 9052.", "What is the storage unit code?", "9052"),
]


def _correct(answer: str, expected: str) -> bool:
    return expected.lower() in answer.lower()


def worker(model: str) -> dict:
    """Run in a subprocess: load the model, answer every question, report speed and accuracy."""
    from app.paths import get_paths
    from app.runtime.api import GenerationRequest
    from app.runtime.service import ModelService

    service = ModelService(get_paths(), model_name=model)
    started = time.perf_counter()
    loaded = service.ensure_loaded()
    load_s = time.perf_counter() - started
    right, ttfts, tpss, misses = 0, [], [], []
    for passage, question, expected in FACTS:
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": f"Passage: {passage}\n\nQuestion: {question}"}]
        done = service.generate(GenerationRequest(messages=messages, max_tokens=40)).result()
        ttfts.append(done.time_to_first_token_s)
        if done.generation_tokens > 1:
            tpss.append(done.generation_tps)
        if _correct(done.text, expected):
            right += 1
        else:
            misses.append({"question": question, "expected": expected, "answer": done.text.strip()[:160]})
    service.shutdown()
    return {
        "model": model, "precision": loaded.precision, "load_s": load_s,
        "correct": right, "total": len(FACTS),
        "median_ttft_s": statistics.median(ttfts), "median_decode_tps": statistics.median(tpss) if tpss else 0.0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "misses": misses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    results = []
    for model in args.models:
        out = subprocess.run([sys.executable, __file__, "x", "--worker", model], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"{model}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'model':<34} {'facts':>6} {'ttft s':>7} {'tok/s':>6} {'load s':>7} {'peak MB':>8}")
    for r in results:
        print(f"{r['model']:<34} {r['correct']:>3}/{r['total']:<2} {r['median_ttft_s']:7.2f} "
              f"{r['median_decode_tps']:6.1f} {r['load_s']:7.1f} {r['peak_rss_mb']:8.0f}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
