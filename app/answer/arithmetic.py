"""Arithmetic asked in words, computed rather than guessed.

A small model asked "What is 15% of 84.17?" said 12.6975 (it is 12.6255). A question that is only
arithmetic ("what's 12 * 7.5", "15% of 84.17", "240 divided by 3", "2^10") is parsed into a
syntax tree of numbers and the four operations, powers and percentages, and evaluated exactly;
nothing else is ever evaluated.
"""

from __future__ import annotations

import ast
import operator
import re
from decimal import Decimal, InvalidOperation, getcontext

LEAD = re.compile(r"^(what(?:'s| is)|how much is|calculate|compute|work out|solve|tell me)\s+", re.I)
WORDS = [
    (re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent)\s+of\s+", re.I), r"(\1/100)*"),
    (re.compile(r"\bdivided by\b|÷", re.I), "/"),
    (re.compile(r"\b(?:times|multiplied by)\b|×|(?<=\d)\s*x\s*(?=\d)", re.I), "*"),
    (re.compile(r"\bplus\b", re.I), "+"),
    (re.compile(r"\bminus\b", re.I), "-"),
    (re.compile(r"\bto the power of\b|\^", re.I), "**"),
]
ONLY = re.compile(r"^[\d\s.+\-*/()]+$")
NOT_A_SUM = re.compile(r"\d-0|\d{3,}-\d{3,}|\d{4}-\d{2}-\d{2}|^\s*\d{1,2}/\d{1,2}(/\d{2,4})?\s*$")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow}
MAX_EXPONENT = 100


def answer(question: str) -> str | None:
    """"15% of 84.17 is 12.6255." for a question that is only arithmetic, else None."""
    said = LEAD.sub("", " ".join(question.split())).rstrip(" ?=!.")
    expression = said.replace(",", "")  # "1,850 * 12"
    for pattern, replacement in WORDS:
        expression = pattern.sub(replacement, expression)
    if not ONLY.match(expression) or not re.search(r"\d", expression) or not re.search(r"[+\-*/]", expression):
        return None
    if NOT_A_SUM.search(expression):  # "555-0199", "2026-12-04", "12/25": a number, a date, not a sum
        return None
    try:
        value = _evaluate(ast.parse(expression, mode="eval").body)
    except (ZeroDivisionError, InvalidOperation):
        return f"{said} has no answer: it divides by zero."
    except (SyntaxError, ValueError, OverflowError, TypeError):
        return None
    return f"{said} is {_shown(value)}."


def _evaluate(node: ast.AST) -> Decimal:
    getcontext().prec = 28
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _evaluate(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and (abs(right) > MAX_EXPONENT or right != right.to_integral_value()):
            raise ValueError("exponent out of range")
        return Decimal(_OPS[type(node.op)](left, right))
    raise ValueError("not arithmetic")


def _shown(value: Decimal) -> str:
    """At most ten decimals, no trailing zeros, thousands separated: 12.6255, 1,234,567, 0.3333333333."""
    rounded = value.quantize(Decimal("1e-10")) if abs(value) < Decimal("1e18") else value
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
