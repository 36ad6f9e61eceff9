"""The community-safe rules (rules.py) and the one gate that applies them to everything the public sees (gate.py)."""

from community.gate import Gate, Refused, Secret, Shown
from community.rules import HIDDEN, OTHERS, RULES_IN_WORDS, SMALL, refusal

__all__ = ["HIDDEN", "OTHERS", "RULES_IN_WORDS", "SMALL", "Gate", "Refused", "Secret", "Shown", "refusal"]
