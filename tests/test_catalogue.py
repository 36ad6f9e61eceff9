"""The metric catalogue matches shared METRICS.md and the README, and each metric has its SQL and its words."""

from __future__ import annotations

import re

import pytest

from metrics import CATALOGUE, HEADLINE, METRICS
from metrics.catalogue import GROUPS, SQL_DIR, UNITS
from tests.conftest import ROOT

METRICS_MD = ROOT.parent / "shared" / "METRICS.md"
# The sections of METRICS.md whose metrics an open issue builds: their ids are checked apart, as not yet built.
NOT_YET_BUILT = {"Outcomes beyond papers": "issue 23 builds the outcome metrics"}


def metrics_md_ids(text: str) -> dict[str, list[str]]:
    """The ids of METRICS.md's metric tables (`| id | definition |`), by the section (## heading) they are in."""
    ids: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif (m := re.match(r"^\|\s*([a-z][a-z0-9_]*)\s*\|", line)) and m.group(1) != "id":
            ids.setdefault(section, []).append(m.group(1))
    return ids


def _metrics_md() -> dict[str, list[str]]:
    if not METRICS_MD.exists():
        pytest.skip("shared/METRICS.md is not beside this checkout")
    return metrics_md_ids(METRICS_MD.read_text(encoding="utf-8"))


def test_ids_equal_those_of_metrics_md():
    built = [i for section, ids in _metrics_md().items() if section not in NOT_YET_BUILT for i in ids]
    assert built == list(CATALOGUE)


@pytest.mark.parametrize("section", sorted(NOT_YET_BUILT))
def test_each_section_not_yet_built_is_in_metrics_md_with_metrics(section):
    assert _metrics_md().get(section), f"METRICS.md has no section {section!r}: take it out of NOT_YET_BUILT"


@pytest.mark.parametrize("section", sorted(NOT_YET_BUILT))
@pytest.mark.xfail(strict=True, reason="a section an open issue builds (NOT_YET_BUILT): take it out when built")
def test_the_sections_not_yet_built_are_not_in_the_catalogue_yet(section):
    assert set(_metrics_md()[section]) <= set(CATALOGUE), NOT_YET_BUILT[section]


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
