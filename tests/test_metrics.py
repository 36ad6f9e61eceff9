"""Every metric of shared METRICS.md, checked against values worked out by hand on tests/data/tiny.

The expected values below were computed by hand from the CSV files, not by code; the arithmetic is
written next to each value so a reader can re-check it by eye. If a test here fails, first re-read
the definition in METRICS.md and the comment, then decide whether the code or the comment is wrong.

Cheat sheet of the tiny dataset (see the CSVs for every column)
----------------------------------------------------------------
Partners (sector, * = confidential):
  P01 pharma   P02 biotech   P03 medtech   P04 cro        P05 academic   P06 regulator
  P07 government   P08 foundation*   P09 patient_org   P10 other   P11 pharma*   P12 biotech
  Industry = P01 P02 P03 P11 (and P12, which appears in no record at all).

Engagements (date, type, partners, patient_participants, insights_shared; blank = 0 / false):
  E01 2024-01-01 listening_session   P01              12  T
  E02 2024-02-15 advisory_board      P01 P05           3  F
  E03 2024-04-10 pfdd_meeting        P01 P06 P05 P09  20  T   convening (pharma+regulator+academic, 20 > 0)
  E04 2024-05-05 scientific_retreat  P02 P06 P05       0  F   NOT convening (0 patients)
  E05 2024-05-20 webinar             P09               4  F
  E06 2024-06-30 webinar             P09           blank  blank
  E07 2024-07-01 site_visit          P03           blank  T
  E08 2024-09-20 data_sharing        P01 P11           0  F
  E09 2024-10-15 site_visit          P03               0  F
  E10 2024-11-05 site_visit          P03               2  T
  E11 2024-11-11 educational_content P07 P10           5  F
  E12 2024-12-31 listening_session   P01 P06 P05       8  T   convening
  E13 2022-06-01 other P09 | E14 2022-12-31 advisory_board P04 | E15 2023-03-01 listening_session P05
  E16 2023-07-02 webinar P10 | E17 2023-07-03 pfdd_meeting P01 P06 | E18 2023-11-20 scientific_retreat P02 P05
  E19 2023-12-31 site_visit P03 | E20 2025-01-01 webinar P01 (6 patients, F)

Funding (date, partner, direction, amount):
  F01 2022-12-30 P01 in 50000 | F02 2022-12-31 P01 in 20000 | F03 2023-03-15 P02 in 30000
  F04 2023-05-01 P09 OUT 50000 | F05 2023-07-02 P03 in 10000 | F06 2023-07-03 P01 in 40000
  F07 2023-12-31 P11 in 60000 | F08 2024-01-01 P01 in 60000 | F09 2024-02-01 P05 OUT 100000
  F10 2024-03-10 P02 in 40000 | F11 2024-05-20 P08 in 40000 | F12 2024-06-30 P11 in 20000
  F13 2024-07-01 P03 in 20000 | F14 2024-10-01 P01 in 20000 | F15 2024-12-31 P09 OUT 150000
  F16 2025-01-01 P01 in 10000

Publications (published, partners, completed -> days, open_access, lay_summary, citations):
  PUB01 2024-01-01 P05 P09  2023-12-02 -> 30   OA T  lay T  5
  PUB02 2024-03-31 P05      2024-01-01 -> 90   OA F  lay F  blank
  PUB03 2024-05-01 P02 P06  blank              OA T  lay F  3
  PUB04 2024-06-30 P01 P05  blank              OA T  lay F  0
  PUB05 2024-08-15 P07      2024-08-05 -> 10   OA F  lay T  7
  PUB06 2024-12-31 (none)   blank              OA T  lay T  10
  PUB07 2023-09-01 P02 | PUB08 2025-02-01 P01 (all optional columns blank)
  Days: 2023-12-02 -> 2024-01-01 = 29 (rest of Dec) + 1 = 30;
        2024-01-01 -> 2024-03-31 = 31 (Jan) + 29 (Feb, leap) + 30 = 90;  2024-08-05 -> 2024-08-15 = 10.

Partnerships (partner, kind, start..end, ip_agreement; blank ip = none):
  PS01 P01 research_investment 2022-01-01..ongoing     signed
  PS02 P02 research_investment 2023-06-01..2024-03-31  in_negotiation
  PS03 P03 research_investment 2024-07-01..ongoing     blank (= none)
  PS04 P11 research_investment 2024-02-01..2025-01-31  not_applicable
  PS05 P05 experiential        2021-01-01..2023-12-31  blank
  PS06 P06 content_engagement  2025-01-01..ongoing     not_applicable
  PS07 P09 content_engagement  2024-12-31..2024-12-31  blank
  PS08 P02 research_investment 2020-01-01..2022-12-31  signed
  PS09 P08 research_investment 2024-05-01..ongoing     none

Programs (patient_insights) and their milestones:
  PG1 T: M01 2022-05-01 target_validated, M02 2023-08-01 candidate_nominated,
         M03 2024-01-01 ind_cleared, M04 2024-06-30 phase1_started
  PG2 F: M05 2024-07-01 phase1_started, M06 2024-09-10 phase2_started
  PG3 T: M07 2023-12-31 submission_filed, M08 2024-12-31 approval, M10 2025-06-01 label_expansion
  PG4 blank (= F): M09 2025-03-01 target_validated (its only milestone)
  PG5 T: no milestones at all

Earliest involvement ever (engagement, funding or publication), for partner_new_count:
  P01 2022-12-30 (F01)  P02 2023-03-15 (F03)  P03 2023-07-02 (F05)  P04 2022-12-31 (E14)
  P05 2023-03-01 (E15)  P06 2023-07-03 (E17)  P07 2024-08-15 (PUB05) P08 2024-05-20 (F11)
  P09 2022-06-01 (E13)  P10 2023-07-02 (E16)  P11 2023-12-31 (F07)   P12 never

Periods and their prior periods (METRICS.md: a whole calendar month, quarter, half-year or year is compared
with the previous one of the same kind; any other period with the same number of days ending the day before):
  calendar 2024   2024-01-01..2024-12-31, a calendar year -> prior calendar 2023, 2023-01-01..2023-12-31
                  (not the 366 days 2022-12-31..2023-12-31 that the same-length rule would give).
  first half 2024 2024-01-01..2024-06-30, a calendar half-year -> prior H2 2023, 2023-07-01..2023-12-31.
  empty 2030      2030-01-01..2030-12-31, a calendar year -> prior 2029-01-01..2029-12-31.
  last day 2024   2024-12-31..2024-12-31 = 1 day, no calendar unit -> prior 2024-12-30..2024-12-30.
  calendar 2025   2025-01-01..2025-12-31, a calendar year -> prior calendar 2024, 2024-01-01..2024-12-31.
  custom          2024-01-02..2024-12-31 = 365 days, no calendar unit -> prior 2023-01-02..2024-01-01.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
METRICS_MD = ROOT.parent / "shared" / "METRICS.md"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from metrics import METRICS  # noqa: E402
from metrics.catalogue import GROUPS as CATALOGUE_GROUPS  # noqa: E402

TABLES = ("partners", "partnerships", "engagements", "funding", "publications", "programs", "milestones")

from metrics.catalogue import ENTRIES, PARTS  # noqa: E402  (after the path above)

# The catalogue's metric ids (metrics/catalogue.py, in METRICS.md's order), by the catalogue's groups: a metric added
# there is checked here at once, and fails until every period below has its value worked out by hand.
GROUPS: dict[str, tuple[str, ...]] = {g: tuple(m.id for m in METRICS if m.group == g) for g in CATALOGUE_GROUPS}
METRIC_IDS: tuple[str, ...] = tuple(m.id for m in METRICS)

# Counts and money: compared with ==. Every other metric (shares, ratios, change, HHI, median)
# is compared with pytest.approx(expected, rel=1e-12).
EXACT_IDS = frozenset(m.id for m in METRICS if m.unit in ("money", "count"))


# ---------------------------------------------------------------------------------------------
# (a) Calendar year 2024: 2024-01-01..2024-12-31 (366 days); prior period calendar 2023.
# ---------------------------------------------------------------------------------------------
CALENDAR_2024 = {
    # Funding. Inbound in 2024: F08 60000 (P01) + F10 40000 (P02) + F11 40000 (P08)
    #   + F12 20000 (P11) + F13 20000 (P03) + F14 20000 (P01) = 200000.
    #   Per partner: P01 60000+20000 = 80000, P02 40000, P08 40000, P11 20000, P03 20000.
    "funding_inbound_total": 200000,  # 60000+40000+40000+20000+20000+20000
    "funding_outbound_total": 250000,  # F09 100000 + F15 150000 (2024-12-31, last day)
    # Prior (calendar 2023) inbound: F03 30000 + F05 10000 + F06 40000 + F07 60000 = 140000
    #   (F02 on 2022-12-31 is in 2022).
    "funding_inbound_change": 3 / 7,  # (200000 - 140000) / 140000 = 60000/140000
    # Industry: P01 80000 + P02 40000 + P11 20000 + P03 20000 = 160000 (P08 is a foundation).
    "funding_industry_share": 4 / 5,  # 160000 / 200000
    "funding_partner_count": 5,  # P01, P02, P03, P08, P11
    "funding_hhi": 2600,  # shares 40%,20%,20%,10%,10% -> 1600+400+400+100+100
    "funding_top_partner_share": 2 / 5,  # P01 80000 / 200000
    # Engagement: E01..E12 are in 2024.
    "engagement_count": 12,  # E01..E12
    "engagement_partner_count": 9,  # P01 P02 P03 P05 P06 P07 P09 P10 P11 (not P04, P08, P12)
    "engagement_patient_participants": 54,  # 12+3+20+0+4+0(blank)+0(blank)+0+0+2+5+8
    "engagement_patient_voice_count": 3,  # E01 listening, E03 pfdd, E12 listening
    "engagement_convening_count": 2,  # E03 (P01+P06+P05, 20) and E12 (P01+P06+P05, 8); E04 has 0 patients
    # Per partner (engagements, quarters, types):
    #   P01 E01 E02 E03 E08 E12 (5; Q1 Q2 Q3 Q4; 4 types) longitudinal
    #   P05 E02 E03 E04 E12 (4; Q1 Q2 Q4; 4 types) longitudinal
    #   P06 E03 E04 E12 (3; Q2 Q4; 3 types) longitudinal
    #   P03 E07 E09 E10 (3; Q3 Q4; 1 type: site_visit) neither
    #   P09 E03 E05 E06 (3; Q2 only; 2 types) neither
    #   P02 E04, P07 E11, P10 E11, P11 E08: 1 each -> transactional
    "relationship_longitudinal_share": 3 / 9,  # P01 P05 P06 of 9
    "relationship_transactional_share": 4 / 9,  # P02 P07 P10 P11 of 9
    # Engagements with an industry partner: E01 T, E02 F, E03 T, E04 F, E07 T, E08 F, E09 F,
    #   E10 T, E12 T = 9, 5 with insights (E05 E06 E11 have no industry partner).
    "engagement_reciprocity_share": 5 / 9,
    # Partners. Active in 2024: P01 P02 P03 P05 P06 P07 P08 P09 P10 P11 (not P04: only 2022-12-31; not P12).
    "partner_active_count": 10,
    "partner_new_count": 2,  # P08 (first 2024-05-20) and P07 (first 2024-08-15)
    # Prior active (calendar 2023): P01 (F06) P02 (F03) P03 (F05) P05 (E15) P06 (E17) P09 (F04, outbound)
    #   P10 (E16) P11 (F07) = 8 (P04's only record, E14, is on 2022-12-31); all 8 are active in 2024.
    "partner_retention_rate": 8 / 8,
    # start <= 2024-12-31 and (end blank or end >= 2024-01-01):
    #   PS01 yes, PS02 yes (ends 2024-03-31), PS03 yes, PS04 yes, PS05 no (ended 2023-12-31),
    #   PS06 no (starts 2025), PS07 yes (2024-12-31 only), PS08 no (ended 2022), PS09 yes.
    "partnership_active_count": 6,  # PS01 PS02 PS03 PS04 PS07 PS09
    # Active research_investment, ip not not_applicable: PS01 signed, PS02 in_negotiation,
    #   PS03 blank=none, PS09 none (PS04 is not_applicable; PS07 is content_engagement).
    "ip_agreement_coverage": 1 / 4,
    # Publications: PUB01..PUB06.
    "publication_count": 6,
    "publication_open_access_share": 4 / 6,  # PUB01 PUB03 PUB04 PUB06
    "publication_lay_summary_share": 3 / 6,  # PUB01 PUB05 PUB06
    "publication_median_days_to_publish": 30,  # days 30 (PUB01), 90 (PUB02), 10 (PUB05) -> sorted 10, 30, 90
    "publication_industry_coauthored_share": 2 / 6,  # PUB03 (P02 biotech), PUB04 (P01 pharma)
    "publications_per_million_granted": 24,  # 6 / (250000 / 1000000) = 6 / 0.25
    "citations_total": 25,  # 5 + 0(blank) + 3 + 0 + 7 + 10
    # Science: M03 01-01, M04 06-30, M05 07-01, M06 09-10, M08 12-31.
    "milestone_count": 5,
    "milestone_clinical_count": 4,  # M03 ind_cleared, M04 phase1, M05 phase1, M06 phase2
    "approval_count": 1,  # M08 (2024-12-31)
    "program_advanced_count": 3,  # PG1, PG2, PG3
    # Programs with a milestone on or before 2024-12-31: PG1 T, PG2 F, PG3 T (PG4's is in 2025; PG5 none).
    "program_patient_insight_share": 2 / 3,
}

# ---------------------------------------------------------------------------------------------
# (b) First half of 2024: 2024-01-01..2024-06-30 (182 days); prior period H2 2023, 2023-07-01..2023-12-31.
# ---------------------------------------------------------------------------------------------
FIRST_HALF_2024 = {
    # Inbound: F08 60000 (P01) + F10 40000 (P02) + F11 40000 (P08) + F12 20000 (P11, 2024-06-30).
    "funding_inbound_total": 160000,  # 60000+40000+40000+20000
    "funding_outbound_total": 100000,  # F09
    # Prior (H2 2023, 2023-07-01..2023-12-31): F05 10000 (2023-07-02) + F06 40000 (2023-07-03)
    #   + F07 60000 (2023-12-31) = 110000.
    "funding_inbound_change": 5 / 11,  # (160000 - 110000) / 110000 = 50000/110000
    "funding_industry_share": 3 / 4,  # (60000 + 40000 + 20000) / 160000 = 120000/160000
    "funding_partner_count": 4,  # P01 P02 P08 P11
    "funding_hhi": 2812.5,  # 37.5^2 + 25^2 + 25^2 + 12.5^2 = 1406.25 + 625 + 625 + 156.25
    "funding_top_partner_share": 3 / 8,  # 60000 / 160000
    # Engagement: E01..E06.
    "engagement_count": 6,
    "engagement_partner_count": 5,  # P01 P02 P05 P06 P09
    "engagement_patient_participants": 39,  # 12 + 3 + 20 + 0 + 4 + 0(blank)
    "engagement_patient_voice_count": 2,  # E01, E03
    "engagement_convening_count": 1,  # E03 (E04 has 0 patients)
    # P01 E01 E02 E03 (3; Q1 Q2; 3 types) longitudinal; P05 E02 E03 E04 (3; Q1 Q2; 3 types)
    #   longitudinal; P06 E03 E04 (2) neither; P09 E03 E05 E06 (3; Q2 only) neither; P02 E04 (1).
    "relationship_longitudinal_share": 2 / 5,  # P01 P05
    "relationship_transactional_share": 1 / 5,  # P02
    "engagement_reciprocity_share": 2 / 4,  # industry: E01 T, E02 F, E03 T, E04 F
    # Active: P01 P02 P05 P06 P08 P09 P11 (P03's first 2024 record is 2024-07-01; P07 P10 later too).
    "partner_active_count": 7,
    "partner_new_count": 1,  # P08 (2024-05-20); P07's first is 2024-08-15, after the period
    # Prior active (H2 2023, 2023-07-01..2023-12-31): P01 (E17, F06) P02 (PUB07, E18) P03 (F05, E19)
    #   P05 (E18) P06 (E17) P10 (E16 2023-07-02) P11 (F07) = 7; P09 (F04 2023-05-01) falls before it.
    #   Also active now: P01 P02 P05 P06 P11 (not P03, not P10).
    "partner_retention_rate": 5 / 7,
    # start <= 2024-06-30 and (end blank or end >= 2024-01-01): PS01, PS02, PS04, PS09
    #   (PS03 starts 2024-07-01, PS07 2024-12-31).
    "partnership_active_count": 4,
    "ip_agreement_coverage": 1 / 3,  # PS01 signed, PS02 in_negotiation, PS09 none (PS04 n/a)
    # Publications: PUB01..PUB04.
    "publication_count": 4,
    "publication_open_access_share": 3 / 4,  # PUB01 PUB03 PUB04
    "publication_lay_summary_share": 1 / 4,  # PUB01
    "publication_median_days_to_publish": 60,  # days 30 and 90 -> (30 + 90) / 2
    "publication_industry_coauthored_share": 2 / 4,  # PUB03, PUB04
    "publications_per_million_granted": 40,  # 4 / (100000 / 1000000) = 4 / 0.1
    "citations_total": 8,  # 5 + 0(blank) + 3 + 0
    # Science: M03 (2024-01-01), M04 (2024-06-30).
    "milestone_count": 2,
    "milestone_clinical_count": 2,  # ind_cleared, phase1_started
    "approval_count": 0,
    "program_advanced_count": 1,  # PG1
    # Programs with a milestone on or before 2024-06-30: PG1 T, PG3 T (M07 2023-12-31);
    #   PG2's first is 2024-07-01.
    "program_patient_insight_share": 2 / 2,
}

# ---------------------------------------------------------------------------------------------
# (c) 2030-01-01..2030-12-31: no dated record in it nor in its prior period 2029.
# ---------------------------------------------------------------------------------------------
EMPTY_2030 = {
    "funding_inbound_total": 0,
    "funding_outbound_total": 0,
    "funding_inbound_change": None,  # prior 2029 inbound is 0
    "funding_industry_share": None,  # 0 / 0
    "funding_partner_count": 0,
    "funding_hhi": None,  # no inbound
    "funding_top_partner_share": None,  # 0 / 0
    "engagement_count": 0,
    "engagement_partner_count": 0,
    "engagement_patient_participants": 0,  # empty sum
    "engagement_patient_voice_count": 0,
    "engagement_convening_count": 0,
    "relationship_longitudinal_share": None,  # no engaged partners
    "relationship_transactional_share": None,
    "engagement_reciprocity_share": None,  # no industry engagements
    "partner_active_count": 0,
    "partner_new_count": 0,
    "partner_retention_rate": None,  # nobody active in 2029
    # start <= 2030-12-31 and (end blank or end >= 2030-01-01): the ongoing PS01 PS03 PS06 PS09.
    "partnership_active_count": 4,
    "ip_agreement_coverage": 1 / 3,  # research_investment PS01 signed, PS03 none, PS09 none
    "publication_count": 0,
    "publication_open_access_share": None,
    "publication_lay_summary_share": None,
    "publication_median_days_to_publish": None,  # no values
    "publication_industry_coauthored_share": None,
    "publications_per_million_granted": None,  # outbound 0
    "citations_total": 0,
    "milestone_count": 0,
    "milestone_clinical_count": 0,
    "approval_count": 0,
    "program_advanced_count": 0,
    # Programs with a milestone on or before 2030-12-31: PG1 T, PG2 F, PG3 T, PG4 F (PG5 has none).
    "program_patient_insight_share": 2 / 4,
}

# ---------------------------------------------------------------------------------------------
# (d) The single day 2024-12-31; prior period the single day 2024-12-30 (no record on it).
#     On 2024-12-31: E12, F15 (outbound), PUB06, M08, and PS07 starts and ends.
# ---------------------------------------------------------------------------------------------
LAST_DAY_2024 = {
    "funding_inbound_total": 0,
    "funding_outbound_total": 150000,  # F15
    "funding_inbound_change": None,  # prior inbound 0
    "funding_industry_share": None,  # inbound 0
    "funding_partner_count": 0,
    "funding_hhi": None,
    "funding_top_partner_share": None,
    "engagement_count": 1,  # E12
    "engagement_partner_count": 3,  # P01 P06 P05
    "engagement_patient_participants": 8,
    "engagement_patient_voice_count": 1,  # listening_session
    "engagement_convening_count": 1,  # pharma + regulator + academic, 8 patients
    "relationship_longitudinal_share": 0 / 3,  # each partner has 1 engagement
    "relationship_transactional_share": 3 / 3,
    "engagement_reciprocity_share": 1 / 1,  # E12 insights_shared true
    "partner_active_count": 4,  # P01 P05 P06 (E12) + P09 (F15); PUB06 names no partner
    "partner_new_count": 0,
    "partner_retention_rate": None,  # nobody active on 2024-12-30
    # start <= 2024-12-31 and (end blank or end >= 2024-12-31): PS01 PS03 PS04 PS07 PS09.
    "partnership_active_count": 5,
    "ip_agreement_coverage": 1 / 3,  # PS01 signed, PS03 none, PS09 none (PS04 n/a, PS07 not research)
    "publication_count": 1,  # PUB06
    "publication_open_access_share": 1 / 1,
    "publication_lay_summary_share": 1 / 1,
    "publication_median_days_to_publish": None,  # PUB06 has no study_completed_date
    "publication_industry_coauthored_share": 0 / 1,  # no partners at all
    "publications_per_million_granted": 20 / 3,  # 1 / (150000 / 1000000) = 1 / 0.15
    "citations_total": 10,
    "milestone_count": 1,  # M08
    "milestone_clinical_count": 0,
    "approval_count": 1,
    "program_advanced_count": 1,  # PG3
    "program_patient_insight_share": 2 / 3,  # PG1 T, PG2 F, PG3 T
}

# ---------------------------------------------------------------------------------------------
# (e) Calendar year 2025: 2025-01-01..2025-12-31 (365 days); prior period calendar 2024.
#     In 2025: F16, E20, PUB08, M09, M10.
# ---------------------------------------------------------------------------------------------
CALENDAR_2025 = {
    "funding_inbound_total": 10000,  # F16
    "funding_outbound_total": 0,
    # Prior inbound (calendar 2024) = 200000, as in (a).
    "funding_inbound_change": -19 / 20,  # (10000 - 200000) / 200000 = -190000/200000
    "funding_industry_share": 1 / 1,  # P01 pharma
    "funding_partner_count": 1,
    "funding_hhi": 10000,  # 100^2
    "funding_top_partner_share": 1 / 1,
    "engagement_count": 1,  # E20
    "engagement_partner_count": 1,  # P01
    "engagement_patient_participants": 6,
    "engagement_patient_voice_count": 0,  # webinar
    "engagement_convening_count": 0,
    "relationship_longitudinal_share": 0 / 1,
    "relationship_transactional_share": 1 / 1,
    "engagement_reciprocity_share": 0 / 1,  # E20 involves P01, insights false
    "partner_active_count": 1,  # P01
    "partner_new_count": 0,  # P01 first seen 2022-12-30
    # Prior active (calendar 2024): the 10 partners active in 2024, as in (a); only P01 is active in 2025.
    "partner_retention_rate": 1 / 10,
    # start <= 2025-12-31 and (end blank or end >= 2025-01-01): PS01 PS03 PS04 (ends 2025-01-31)
    #   PS06 (starts 2025-01-01) PS09.
    "partnership_active_count": 5,
    "ip_agreement_coverage": 1 / 3,  # PS01 signed, PS03 none, PS09 none (PS04 n/a, PS06 not research)
    "publication_count": 1,  # PUB08
    "publication_open_access_share": 0 / 1,  # blank = false
    "publication_lay_summary_share": 0 / 1,  # blank = false
    "publication_median_days_to_publish": None,  # no study_completed_date
    "publication_industry_coauthored_share": 1 / 1,  # P01
    "publications_per_million_granted": None,  # outbound 0
    "citations_total": 0,  # blank
    "milestone_count": 2,  # M09, M10
    "milestone_clinical_count": 0,  # target_validated, label_expansion
    "approval_count": 0,
    "program_advanced_count": 2,  # PG4, PG3
    "program_patient_insight_share": 2 / 4,  # PG1 T, PG2 F, PG3 T, PG4 F
}

PERIODS = {
    "calendar_year_2024": (date(2024, 1, 1), date(2024, 12, 31), CALENDAR_2024),
    "first_half_2024": (date(2024, 1, 1), date(2024, 6, 30), FIRST_HALF_2024),
    "empty_year_2030": (date(2030, 1, 1), date(2030, 12, 31), EMPTY_2030),
    "last_day_of_2024": (date(2024, 12, 31), date(2024, 12, 31), LAST_DAY_2024),
    "calendar_year_2025": (date(2025, 1, 1), date(2025, 12, 31), CALENDAR_2025),
}

# The prior periods used in the comments above, as worked out by hand.
PRIOR_PERIODS = {
    "calendar_year_2024": (date(2023, 1, 1), date(2023, 12, 31)),
    "first_half_2024": (date(2023, 7, 1), date(2023, 12, 31)),
    "empty_year_2030": (date(2029, 1, 1), date(2029, 12, 31)),
    "last_day_of_2024": (date(2024, 12, 30), date(2024, 12, 30)),
    "calendar_year_2025": (date(2024, 1, 1), date(2024, 12, 31)),
}


# ------------------------------------------------------------------------------ helpers, fixtures


def _compute(db_path: Path, start: date, end: date) -> dict:
    from metrics import compute
    from store import database

    with database.read(db_path) as con:
        return compute(con, start, end)


@pytest.fixture(scope="module")
def computed(tiny_db) -> dict[str, dict]:
    """compute() for every period of this file, once."""
    return {name: _compute(tiny_db, start, end) for name, (start, end, _) in PERIODS.items()}


def _mismatches(actual: dict, expected: dict, ids) -> list[str]:
    out = []
    for metric_id in ids:
        want, got = expected[metric_id], actual.get(metric_id, "<missing>")
        if want is None:
            ok = got is None
        elif got is None or isinstance(got, (bool, str)):
            ok = False
        elif metric_id in EXACT_IDS:
            ok = got == want
        else:
            ok = got == pytest.approx(want, rel=1e-12)
        if not ok:
            out.append(f"{metric_id}: expected {want!r}, got {got!r}")
    return out


def _check_group(computed: dict, period: str, group: str) -> None:
    actual = computed[period]
    expected = PERIODS[period][2]
    problems = _mismatches(actual, expected, GROUPS[group])
    assert not problems, f"{period}:\n" + "\n".join(problems)


PERIOD_NAMES = list(PERIODS)


# ------------------------------------------------------------------------- checks of this file


def test_the_catalogues_metric_ids_are_distinct_and_each_in_one_group():
    assert len(set(METRIC_IDS)) == len(METRIC_IDS)
    assert sorted(i for ids in GROUPS.values() for i in ids) == sorted(METRIC_IDS)


def test_the_catalogues_metric_list_matches_metrics_md():
    if not METRICS_MD.exists():
        pytest.skip(f"{METRICS_MD} is not available here")
    from tests.test_catalogue import NOT_YET_BUILT, metrics_md_ids

    sections = metrics_md_ids(METRICS_MD.read_text(encoding="utf-8"))
    every = [i for ids in sections.values() for i in ids]
    assert len(every) == len(set(every)), "a metric id appears twice in METRICS.md"
    assert [i for s, ids in sections.items() if s not in NOT_YET_BUILT for i in ids] == list(METRIC_IDS)


@pytest.mark.parametrize("period", PERIOD_NAMES)
def test_every_period_has_a_hand_worked_value_for_every_shown_metric_and_nothing_else(period):
    missing = [m for m in METRIC_IDS if m not in PERIODS[period][2]]
    assert not missing, f"{period}: work out by hand (and write down how) the value of {missing}"
    assert set(PERIODS[period][2]) == set(METRIC_IDS)


@pytest.mark.parametrize("period", PERIOD_NAMES)
def test_the_prior_periods_in_the_comments_are_the_periods_compared_with_and_end_the_day_before(period):
    from metrics import Period

    start, end, _ = PERIODS[period]
    prior_start, prior_end = PRIOR_PERIODS[period]
    assert prior_end == start - timedelta(days=1)
    assert Period(start, end).prior == Period(prior_start, prior_end)


def _read(table: str) -> list[dict[str, str]]:
    with open(TINY / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_tiny_dataset_has_every_sector_and_a_partner_in_no_record():
    partners = _read("partners")
    from contract import SECTORS

    assert {p["sector"] for p in partners} == set(SECTORS)
    assert sum(p["confidential"] == "true" for p in partners) == 2
    mentioned = set()
    for table in ("engagements", "publications", "programs"):
        for row in _read(table):
            mentioned.update(x for x in row["partner_ids"].split(";") if x)
    for table in ("partnerships", "funding"):
        mentioned.update(row["partner_id"] for row in _read(table))
    assert {p["partner_id"] for p in partners} - mentioned == {"P12"}


# ----------------------------------------------------------------------------- metric checks


@pytest.mark.parametrize("period", PERIOD_NAMES)
def test_compute_returns_exactly_the_metric_ids_of_the_catalogue(computed, period):
    assert set(computed[period]) == set(METRIC_IDS)


@pytest.mark.parametrize("period", PERIOD_NAMES)
def test_every_value_is_a_plain_number_or_none(computed, period):
    bad = {
        k: v
        for k, v in computed[period].items()
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)))
    }
    assert not bad, f"values must be int, float or None: {bad!r}"


@pytest.mark.parametrize("group", CATALOGUE_GROUPS)
@pytest.mark.parametrize("period", PERIOD_NAMES)
def test_each_groups_metrics_match_the_hand_calculation(computed, period, group):
    _check_group(computed, period, group)


def test_calendar_2024_is_compared_with_calendar_2023_not_the_366_days_before(computed):
    # F02 (20000, 2022-12-31) and E14 (P04, 2022-12-31) would sit on the first day of a 366-day prior
    # (2022-12-31..2023-12-31), which would give (200000-160000)/160000 = 1/4 and retention 8/9.
    assert computed["calendar_year_2024"]["funding_inbound_change"] == pytest.approx(3 / 7, rel=1e-12)
    assert computed["calendar_year_2024"]["partner_retention_rate"] == pytest.approx(8 / 8, rel=1e-12)


def test_the_first_half_of_2024_is_compared_with_the_second_half_of_2023(computed):
    # F05 (10000) and E16 (P10) on 2023-07-02 fall inside H2 2023; a 182-day prior starting 2023-07-03
    # would leave them out and give (160000-100000)/100000 = 3/5 and retention 5/6.
    assert computed["first_half_2024"]["funding_inbound_change"] == pytest.approx(5 / 11, rel=1e-12)
    assert computed["first_half_2024"]["partner_retention_rate"] == pytest.approx(5 / 7, rel=1e-12)


def test_a_period_that_is_no_calendar_unit_is_compared_with_as_many_days_before_it(tiny_db):
    # 2024-01-02..2024-12-31 is 365 days, so its prior is 2023-01-02..2024-01-01.
    # Inbound now: 200000 - F08 60000 (2024-01-01) = 140000. Prior: F03 30000 + F05 10000 + F06 40000
    #   + F07 60000 + F08 60000 = 200000. Change: (140000 - 200000) / 200000 = -3/10.
    # Active in the prior: the 8 of calendar 2023 (see (a)); its extra day 2024-01-01 (F08 and E01: P01,
    #   PUB01: P05 and P09) adds no one new. All 8 are active in the period (F10, F13, E02, E03, E11, F12) -> 8/8.
    values = _compute(tiny_db, date(2024, 1, 2), date(2024, 12, 31))
    assert values["funding_inbound_change"] == pytest.approx(-3 / 10, rel=1e-12)
    assert values["partner_retention_rate"] == pytest.approx(8 / 8, rel=1e-12)


def test_the_cli_prints_the_same_metrics_as_json_for_calendar_year_2024(tiny_db, computed):
    proc = subprocess.run(
        [
            sys.executable,
            "cli.py",
            "metrics",
            "--db",
            str(tiny_db),
            "--start",
            "2024-01-01",
            "--end",
            "2024-12-31",
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert set(payload) == {"period", "metrics"}
    assert payload["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert set(payload["metrics"]) == set(METRIC_IDS)
    expected = computed["calendar_year_2024"]
    for metric_id in METRIC_IDS:
        got, want = payload["metrics"][metric_id], expected[metric_id]
        if want is None:
            assert got is None, metric_id
        else:
            assert not isinstance(got, (bool, str)), f"{metric_id}: {got!r} is not a JSON number"
            assert got == pytest.approx(want, rel=1e-12), metric_id


def _from_inputs(metric_id: str, now: dict, before: dict) -> float | None:
    """A ratio, change or derived metric worked out in Python from its inputs' values, as its declaration says."""
    metric = ENTRIES[metric_id]
    values = [now[i] for i in metric.inputs]
    if metric.kind == "ratio":
        return None if not values[1] else float(values[0]) / float(values[1])
    if metric.kind == "change":
        prior = before[metric.inputs[0]]
        return None if not prior else float(values[0] - prior) / float(prior)
    names = {i: float(now[i]) for i in metric.inputs}
    try:
        return eval(metric.formula.format(**names), {"__builtins__": {}})  # the declared arithmetic, on numbers
    except ZeroDivisionError:
        return None


@pytest.mark.parametrize("period", PERIOD_NAMES)
def test_each_metric_made_of_inputs_is_exactly_their_arithmetic_and_parts_come_only_when_asked(tiny_db, period):
    from metrics import Period, compute_many
    from store import database

    start, end, _ = PERIODS[period]
    this = Period(start, end)
    every = list(ENTRIES)
    with database.read(tiny_db) as con:
        before, now = compute_many(con, [this.prior, this], every)
        shown = compute_many(con, [this])[0]
    assert list(shown) == list(METRIC_IDS) and not set(shown) & {p.id for p in PARTS}
    assert {m: now[m] for m in METRIC_IDS} == shown
    made = [m for m in ENTRIES.values() if m.kind != "simple"]
    assert {m.id: now[m.id] for m in made} == {m.id: _from_inputs(m.id, now, before) for m in made}


def test_the_sql_each_entry_explains_computes_alone_what_the_one_statement_computes(tiny_db, computed):
    from metrics import Period, compute, explain
    from store import database

    start, end, _ = PERIODS["calendar_year_2024"]
    with database.read(tiny_db) as con:
        together = compute(con, start, end, list(ENTRIES))
        for metric_id in ENTRIES:
            sql, params = explain(metric_id, Period(start, end))
            rows = con.execute(sql, params).fetchall()
            assert rows == [(0, together[metric_id])], metric_id  # money as an exact Decimal equals its int
    assert {m: together[m] for m in METRIC_IDS} == computed["calendar_year_2024"]
