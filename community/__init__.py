"""The community-safe rules: every output meant for the public goes through here."""

from community.rules import (
    HIDDEN,
    RULES_IN_WORDS,
    SMALL,
    Pooled,
    hidden_funding_metrics,
    people,
    pool_partners,
    redact,
    suppress_parts,
)

__all__ = [
    "HIDDEN",
    "RULES_IN_WORDS",
    "SMALL",
    "Pooled",
    "hidden_funding_metrics",
    "people",
    "pool_partners",
    "redact",
    "suppress_parts",
]
