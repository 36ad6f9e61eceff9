"""Charts: pure functions from a DataFrame to a Plotly figure, in the foundation's registered template."""

from charts.theme import register, template_name

__all__ = ["register", "template_name"]
