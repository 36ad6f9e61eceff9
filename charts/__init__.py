"""Charts: pure functions from a DataFrame to a Plotly figure, in the foundation's registered template."""

from charts.theme import PALETTE, register, template_name

__all__ = ["PALETTE", "register", "template_name"]
