"""The metric catalogue matches shared METRICS.md and the README, each metric has its words, and each entry is made of
what it declares: a simple one of its aggregation or its SQL file, the others of existing inputs, without cycles."""

from __future__ import annotations

import re

import pytest

from metrics import CATALOGUE, ENTRIES, HEADLINE, METRICS
from metrics.catalogue import GROUPS, KINDS, PARTS, SQL_DIR, UNITS
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


@pytest.mark.parametrize("entry", ENTRIES.values(), ids=lambda m: m.id)
def test_a_simple_entry_has_a_declared_aggregation_or_its_sql_file_and_no_other_kind_has_either(entry):
    has_file = (SQL_DIR / f"{entry.id}.sql").exists()
    if entry.kind == "simple":
        assert entry.declared != has_file, "a simple metric is a declared aggregation or has its SQL file, not both"
        assert not entry.inputs and not entry.formula
    else:
        assert not entry.declared and not has_file, f"a {entry.kind} metric is computed from its inputs alone"
    if has_file:
        assert "SELECT" in entry.sql and "periods" in entry.sql


@pytest.mark.parametrize("entry", [e for e in ENTRIES.values() if e.declared], ids=lambda m: m.id)
def test_a_declared_aggregation_adds_up_over_days(entry):
    # A period's value is the sum of its days' values: only a count, a count of distinct records (each record has
    # one date) or a sum adds up so.
    assert re.fullmatch(r"count\(\*\)|count\(DISTINCT [a-z_]+_id\)|sum\([a-z_]+\)", entry.aggregate), entry.aggregate
    assert entry.table and entry.date


def test_every_sql_file_belongs_to_a_simple_entry():
    simple = [e.id for e in ENTRIES.values() if e.kind == "simple" and not e.declared]
    assert sorted(p.stem for p in SQL_DIR.glob("*.sql")) == sorted(simple)


@pytest.mark.parametrize("entry", ENTRIES.values(), ids=lambda m: m.id)
def test_every_entry_has_a_known_kind_and_inputs_that_exist_in_the_number_its_kind_takes(entry):
    assert entry.kind in KINDS
    assert set(entry.inputs) <= set(ENTRIES) and entry.id not in entry.inputs
    assert len(entry.inputs) == {"simple": 0, "ratio": 2, "change": 1}.get(entry.kind, len(entry.inputs))
    if entry.kind == "derived":
        assert entry.inputs and set(re.findall(r"\{(\w+)\}", entry.formula)) == set(entry.inputs)
    else:
        assert not entry.formula


def test_no_entry_is_made_of_itself_through_its_inputs():
    def made_of(metric_id: str, path: tuple[str, ...]) -> None:
        assert metric_id not in path, " -> ".join((*path, metric_id))
        for i in ENTRIES[metric_id].inputs:
            made_of(i, (*path, metric_id))

    for metric_id in ENTRIES:
        made_of(metric_id, ())


def test_parts_are_not_shown_and_each_is_an_input_of_a_metric():
    inputs = {i for e in ENTRIES.values() for i in e.inputs}
    assert all(not part.shown and part.id not in CATALOGUE for part in PARTS)
    assert all(metric.shown for metric in METRICS)
    assert {part.id for part in PARTS} <= inputs
    assert not set(HEADLINE) & {part.id for part in PARTS}


def test_every_metric_appears_in_the_readme_with_its_label():
    readme = (ROOT / "README.md").read_text()
    for metric in METRICS:
        assert f"`{metric.id}`" in readme, metric.id
        assert metric.label in readme, metric.label


def test_headline_metrics_are_in_the_catalogue():
    assert set(HEADLINE) <= set(CATALOGUE) and len(HEADLINE) == len(set(HEADLINE))


def test_the_declared_aggregations_of_one_relation_read_the_same_date_column():
    dates: dict[str, set[str]] = {}
    for entry in ENTRIES.values():
        if entry.declared:
            dates.setdefault(entry.table, set()).add(entry.date)
    assert all(len(columns) == 1 for columns in dates.values()), dates
