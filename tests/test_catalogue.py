"""The metric catalogue matches shared METRICS.md and the README, and each metric has its SQL and its words."""

from __future__ import annotations

import re

import pytest

from metrics import CATALOGUE, HEADLINE, METRICS
from metrics.catalogue import GROUPS, SQL_DIR, UNITS
from tests.conftest import ROOT

METRICS_MD = ROOT.parent / "shared" / "METRICS.md"


def test_ids_equal_those_of_metrics_md():
    if not METRICS_MD.exists():
        pytest.skip("shared/METRICS.md is not beside this checkout")
    ids = re.findall(r"^\| ([a-z_]+) \|", METRICS_MD.read_text(), re.M)
    assert [i for i in ids if i != "id"] == list(CATALOGUE)


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: m.id)
def test_every_metric_is_declared_in_full(metric):
    assert metric.label and metric.description.endswith(".") and metric.question.endswith("?")
    assert metric.unit in UNITS and metric.group in GROUPS
    assert metric.higher_is_better in (True, False, None)
    assert "SELECT" in metric.sql and "periods" in metric.sql


def test_every_sql_file_belongs_to_a_metric():
    assert sorted(p.stem for p in SQL_DIR.glob("*.sql")) == sorted(CATALOGUE)


def test_every_metric_appears_in_the_readme_with_its_label():
    readme = (ROOT / "README.md").read_text()
    for metric in METRICS:
        assert f"`{metric.id}`" in readme, metric.id
        assert metric.label in readme, metric.label


def test_headline_metrics_are_in_the_catalogue():
    assert set(HEADLINE) <= set(CATALOGUE) and len(HEADLINE) == len(set(HEADLINE))
