"""The catalogue under filters, checked against values worked out by hand on tests/data/tiny.

The filters (metrics/filters.py) restrict the records the catalogue sees; the metric definitions of
shared METRICS.md then apply unchanged to what is left:
- sector / partner: the partners table keeps those partners; the link rows (engagement, publication
  and program partners) keep only links to them; an engagement or publication is kept if it still
  has a link; funding and partnerships if their partner_id is kept; programs if they keep a partner;
  milestones if their program is kept.
- partnership kind: engagements, funding and publications whose partnership_id is of that kind;
  partnerships of that kind; programs and milestones are dropped (they belong to no partnership).
- R&D stage: engagements and funding of that stage; publications and partnerships are dropped (no
  stage); milestones whose kind maps to that stage (target_validated -> discovery;
  candidate_nominated -> preclinical; ind_cleared, phase1/2/3_started -> clinical; submission_filed,
  approval -> regulatory; label_expansion, guideline_adopted -> utilization); programs are kept.
- several filters combine with AND, several values of one filter with OR.

Every expected value below was computed by hand from the CSV files (see the cheat sheet at the top
of tests/test_metrics.py), not by code; the arithmetic is written next to each value. All cases use
calendar 2024 (2024-01-01..2024-12-31), whose prior period is calendar 2023 (2023-01-01..2023-12-31).

Columns of the tiny dataset that only matter here
-------------------------------------------------
Engagement partnership_id / stage (blank = none):
  E01 PS01 discovery    E02 PS01 clinical     E03 -    clinical     E04 PS02 preclinical
  E05 -    -            E06 -    -            E07 PS03 clinical     E08 -    -
  E09 PS03 -            E10 PS03 -            E11 -    utilization  E12 -    regulatory
  E13 -    -            E14 -    clinical     E15 -    -            E16 -    -
  E17 PS01 clinical     E18 PS02 preclinical  E19 -    -            E20 PS01 -
Funding partnership_id / stage:
  F01 PS01 discovery    F02 PS01 -            F03 -    preclinical  F04 -    -
  F05 -    -            F06 PS01 clinical     F07 -    -            F08 PS01 clinical
  F09 -    discovery    F10 PS02 preclinical  F11 PS09 -            F12 PS04 -
  F13 PS03 clinical     F14 PS01 -            F15 -    utilization  F16 PS01 -
Publication partnership_id: PUB03 PS02, PUB04 PS01, PUB08 PS01; every other publication has none.
Partnership kinds: research_investment PS01 PS02 PS03 PS04 PS08 PS09; experiential PS05;
  content_engagement PS06 PS07.
Program partners: PG1 P01;P05  PG2 P02  PG3 P03  PG4 P05  PG5 (none).
Milestone stages: M01 discovery, M02 preclinical, M03 M04 M05 M06 clinical, M07 M08 regulatory,
  M09 discovery, M10 utilization.

Note on partner_new_count under a filter: "earliest involvement ever" is taken over the filtered
records (the definitions apply unchanged to what the filter keeps), so a partner whose only earlier
records fall outside the filter counts as new.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from metrics.catalogue import GROUPS as CATALOGUE_GROUPS  # noqa: E402
from tests.test_metrics import EXACT_IDS, GROUPS, METRIC_IDS  # noqa: E402  (the catalogue's ids, by group)

START, END = date(2024, 1, 1), date(2024, 12, 31)

# ---------------------------------------------------------------------------------------------
# (1) sectors=("pharma",): partners P01 and P11 only.
#     Engagements with a link to P01/P11: E01 E02 E03 E08 E12 E17 E20 (links kept: E01-P01,
#       E02-P01, E03-P01, E08-P01, E08-P11, E12-P01, E17-P01, E20-P01).
#     Funding: F01 F02 F06 F07(P11) F08 F12(P11) F14 F16.  Publications: PUB04 (link P01), PUB08.
#     Partnerships: PS01 (P01), PS04 (P11).  Programs: PG1 (P01;P05) -> milestones M01..M04.
# ---------------------------------------------------------------------------------------------
PHARMA = {
    "funding_inbound_total": 100000,  # F08 60000 + F12 20000 + F14 20000
    "funding_outbound_total": 0,  # F09 (P05) and F15 (P09) are not pharma
    # Prior inbound (2023): F06 40000 + F07 60000 = 100000 (F01, F02 are 2022).
    "funding_inbound_change": 0 / 1,  # (100000 - 100000) / 100000
    "funding_industry_share": 1.0,  # 100000 / 100000, all pharma
    "funding_partner_count": 2,  # P01, P11
    "funding_hhi": 6800,  # P01 80000 = 80%, P11 20000 = 20% -> 6400 + 400
    "funding_top_partner_share": 4 / 5,  # P01 80000 / 100000
    "engagement_count": 5,  # E01 E02 E03 E08 E12
    "engagement_partner_count": 2,  # P01, P11 (the other partners' links are dropped)
    "engagement_patient_participants": 43,  # 12 + 3 + 20 + 0 + 8
    "engagement_patient_voice_count": 3,  # E01 listening, E03 pfdd, E12 listening
    "engagement_convening_count": 0,  # no regulator or academic link is kept
    # P01: E01 Q1 listening, E02 Q1 advisory, E03 Q2 pfdd, E08 Q3 data_sharing, E12 Q4 listening
    #   (5 engagements, 4 quarters, 4 types) -> longitudinal.  P11: E08 only -> transactional.
    "relationship_longitudinal_share": 1 / 2,  # P01 of P01 P11
    "relationship_transactional_share": 1 / 2,  # P11 of P01 P11
    "engagement_reciprocity_share": 3 / 5,  # all 5 involve P01; insights E01 T E02 F E03 T E08 F E12 T
    "partner_active_count": 2,  # P01, P11 (E08, F12)
    "partner_new_count": 0,  # P01 first 2022-12-30 (F01), P11 first 2023-12-31 (F07)
    "partner_retention_rate": 2 / 2,  # prior: P01 (F06, E17), P11 (F07); both active in 2024
    "partnership_active_count": 2,  # PS01 (2022-01-01..ongoing), PS04 (2024-02-01..2025-01-31)
    "ip_agreement_coverage": 1 / 1,  # PS01 signed (PS04 is not_applicable)
    "publication_count": 1,  # PUB04 (PUB08 is 2025)
    "publication_open_access_share": 1 / 1,  # PUB04 OA true
    "publication_lay_summary_share": 0 / 1,  # PUB04 lay false
    "publication_median_days_to_publish": None,  # PUB04 has no study_completed_date
    "publication_industry_coauthored_share": 1 / 1,  # PUB04 with P01
    "publications_per_million_granted": None,  # outbound 0
    "citations_total": 0,  # PUB04 0
    "milestone_count": 2,  # M03 2024-01-01, M04 2024-06-30 (PG1)
    "milestone_clinical_count": 2,  # ind_cleared, phase1_started
    "approval_count": 0,  # M08 belongs to PG3 (P03)
    "program_advanced_count": 1,  # PG1
    "program_patient_insight_share": 1 / 1,  # PG1 true
}

# ---------------------------------------------------------------------------------------------
# (2) sectors=("pharma", "academic", "regulator"): partners P01 P11 (pharma), P05 (academic), P06
#     (regulator).  Engagement links kept: E01 P01 | E02 P01 P05 | E03 P01 P06 P05 (P09 dropped) |
#       E04 P06 P05 (P02 dropped) | E08 P01 P11 | E12 P01 P06 P05 | E15 P05 | E17 P01 P06 |
#       E18 P05 (P02 dropped) | E20 P01.  Dropped: E05 E06 E07 E09 E10 E11 E13 E14 E16 E19.
#     Funding: F01 F02 F06 F07 F08 F09 (P05 outbound) F12 F14 F16.
#     Publications: PUB01 (link P05), PUB02 (P05), PUB03 (link P06; P02 dropped), PUB04 (P01 P05),
#       PUB08 (P01).  Dropped: PUB05 (P07), PUB06 (no partner), PUB07 (P02).
#     Partnerships: PS01 (P01), PS04 (P11), PS05 (P05), PS06 (P06).
#     Programs: PG1 (P01;P05), PG4 (P05) -> milestones M01..M04, M09.
# ---------------------------------------------------------------------------------------------
PHARMA_ACADEMIC_REGULATOR = {
    "funding_inbound_total": 100000,  # F08 60000 + F12 20000 + F14 20000 (P05, P06 give no inbound)
    "funding_outbound_total": 100000,  # F09 (P05)
    "funding_inbound_change": 0 / 1,  # prior (2023) F06 40000 + F07 60000 = 100000; 0/100000
    "funding_industry_share": 1.0,  # 100000 / 100000
    "funding_partner_count": 2,  # P01, P11
    "funding_hhi": 6800,  # 80^2 + 20^2
    "funding_top_partner_share": 4 / 5,  # 80000 / 100000
    "engagement_count": 6,  # E01 E02 E03 E04 E08 E12
    "engagement_partner_count": 4,  # P01 P05 P06 P11
    "engagement_patient_participants": 43,  # 12 + 3 + 20 + 0 + 0 + 8
    "engagement_patient_voice_count": 3,  # E01, E03, E12
    # E03 (P01 pharma + P06 + P05, 20 patients) and E12 (P01 + P06 + P05, 8); E04 has no industry
    #   link left (P02 dropped) and 0 patients.
    "engagement_convening_count": 2,
    # P01: E01 E02 E03 E08 E12 (5; Q1..Q4; 4 types) L.  P05: E02 E03 E04 E12 (4; Q1 Q2 Q4;
    #   advisory pfdd retreat listening) L.  P06: E03 E04 E12 (3; Q2 Q4; 3 types) L.  P11: E08 -> T.
    "relationship_longitudinal_share": 3 / 4,
    "relationship_transactional_share": 1 / 4,
    # With an industry link: E01 T, E02 F, E03 T, E08 F, E12 T (E04 lost its only industry link P02).
    "engagement_reciprocity_share": 3 / 5,
    "partner_active_count": 4,  # P01 P05 P06 P11 (P06 also via PUB03)
    # Earliest: P01 2022-12-30 (F01), P05 2023-03-01 (E15), P06 2023-07-03 (E17), P11 2023-12-31 (F07).
    "partner_new_count": 0,
    # Prior active (2023): P01 (F06), P05 (E15, E18), P06 (E17), P11 (F07) = 4; all active in 2024.
    "partner_retention_rate": 4 / 4,
    # PS01 yes, PS04 yes, PS05 no (ended 2023-12-31), PS06 no (starts 2025-01-01).
    "partnership_active_count": 2,
    "ip_agreement_coverage": 1 / 1,  # PS01 signed (PS04 not_applicable)
    "publication_count": 4,  # PUB01 PUB02 PUB03 PUB04
    "publication_open_access_share": 3 / 4,  # PUB01 T, PUB02 F, PUB03 T, PUB04 T
    "publication_lay_summary_share": 1 / 4,  # PUB01
    "publication_median_days_to_publish": 60,  # PUB01 30, PUB02 90 -> (30 + 90) / 2
    # Only PUB04 (P01) keeps an industry link: PUB03's biotech co-author P02 is filtered out.
    "publication_industry_coauthored_share": 1 / 4,
    "publications_per_million_granted": 40,  # 4 / (100000 / 1000000) = 4 / 0.1
    "citations_total": 8,  # 5 + 0(blank) + 3 + 0
    "milestone_count": 2,  # M03, M04 (PG1); PG4's M09 is 2025
    "milestone_clinical_count": 2,  # ind_cleared, phase1_started
    "approval_count": 0,
    "program_advanced_count": 1,  # PG1
    "program_patient_insight_share": 1 / 1,  # PG1 T (PG4's only milestone is after 2024-12-31)
}

# ---------------------------------------------------------------------------------------------
# (3) kinds=("research_investment",): partnerships PS01 PS02 PS03 PS04 PS08 PS09.
#     Engagements: E01 E02 (PS01), E04 (PS02), E07 E09 E10 (PS03), E17 (PS01), E18 (PS02), E20 (PS01).
#     Funding: F01 F02 F06 F08 F14 F16 (PS01), F10 (PS02), F11 (PS09), F12 (PS04), F13 (PS03).
#     Publications: PUB03 (PS02), PUB04 (PS01), PUB08 (PS01).  Programs, milestones: none.
#     Partners and links are not restricted: a kept engagement keeps all its partners.
# ---------------------------------------------------------------------------------------------
RESEARCH_INVESTMENT = {
    # F08 60000 (P01) + F10 40000 (P02) + F11 40000 (P08) + F12 20000 (P11) + F13 20000 (P03)
    #   + F14 20000 (P01): every 2024 inbound record has a research_investment partnership.
    "funding_inbound_total": 200000,
    "funding_outbound_total": 0,  # F09, F15 have no partnership
    # Prior (2023): F06 40000 (F03, F05, F07 have no partnership; F01, F02 are 2022).
    "funding_inbound_change": 4 / 1,  # (200000 - 40000) / 40000 = 160000/40000
    "funding_industry_share": 4 / 5,  # (80000 + 40000 + 20000 + 20000) / 200000; P08 is a foundation
    "funding_partner_count": 5,  # P01 P02 P03 P08 P11
    "funding_hhi": 2600,  # 40^2 + 20^2 + 20^2 + 10^2 + 10^2 = 1600 + 400 + 400 + 100 + 100
    "funding_top_partner_share": 2 / 5,  # P01 80000 / 200000
    "engagement_count": 6,  # E01 E02 E04 E07 E09 E10
    "engagement_partner_count": 5,  # P01 (E01 E02), P05 (E02 E04), P02 P06 (E04), P03 (E07 E09 E10)
    "engagement_patient_participants": 17,  # 12 + 3 + 0 + 0(blank) + 0 + 2
    "engagement_patient_voice_count": 1,  # E01 listening_session
    "engagement_convening_count": 0,  # E04 (P02+P06+P05) has 0 patients; no other has a regulator
    # P01 2, P05 2 -> neither; P02 1, P06 1 -> transactional; P03 E07 Q3, E09 Q4, E10 Q4
    #   (3; 2 quarters; 1 type site_visit) -> neither.
    "relationship_longitudinal_share": 0 / 5,
    "relationship_transactional_share": 2 / 5,  # P02, P06
    # All six have an industry partner: E01 T, E02 F, E04 F, E07 T, E09 F, E10 T.
    "engagement_reciprocity_share": 3 / 6,
    # Engagements P01 P02 P03 P05 P06; funding adds P08 P11; PUB03 (P02 P06), PUB04 (P01 P05).
    "partner_active_count": 7,
    # Earliest over the kept records: P01 2022-12-30 (F01), P02 2023-11-20 (E18), P05 2023-11-20
    #   (E18), P06 2023-07-03 (E17), P03 2024-07-01 (E07/F13; F05, E19 have no partnership),
    #   P08 2024-05-20 (F11), P11 2024-06-30 (F12; F07, E08 have no partnership).
    "partner_new_count": 3,  # P03, P08, P11
    # Prior active (2023): P01 (F06, E17), P06 (E17), P02 P05 (E18) = 4; all active in 2024.
    "partner_retention_rate": 4 / 4,
    # PS01 yes, PS02 yes (ends 2024-03-31), PS03 yes, PS04 yes, PS08 no (ended 2022-12-31), PS09 yes.
    "partnership_active_count": 5,
    "ip_agreement_coverage": 1 / 4,  # PS01 signed; PS02 in_negotiation, PS03 none, PS09 none; PS04 n/a
    "publication_count": 2,  # PUB03, PUB04
    "publication_open_access_share": 2 / 2,  # both true
    "publication_lay_summary_share": 0 / 2,  # both false
    "publication_median_days_to_publish": None,  # neither has a study_completed_date
    "publication_industry_coauthored_share": 2 / 2,  # PUB03 P02 biotech, PUB04 P01 pharma
    "publications_per_million_granted": None,  # outbound 0
    "citations_total": 3,  # 3 + 0
    "milestone_count": 0,  # milestones belong to no partnership
    "milestone_clinical_count": 0,
    "approval_count": 0,
    "program_advanced_count": 0,
    "program_patient_insight_share": None,  # no program keeps a milestone
}

# ---------------------------------------------------------------------------------------------
# (4) stages=("clinical",).  Engagements E02 E03 E07 E14 E17; funding F06 F08 F13; milestones
#     M03 (ind_cleared) M04 M05 (phase1) M06 (phase2); programs all kept; no publication or
#     partnership.
# ---------------------------------------------------------------------------------------------
CLINICAL = {
    "funding_inbound_total": 80000,  # F08 60000 (P01) + F13 20000 (P03)
    "funding_outbound_total": 0,  # F09 discovery, F15 utilization
    "funding_inbound_change": 1.0,  # prior F06 40000 (2023-07-03); (80000 - 40000) / 40000
    "funding_industry_share": 1.0,  # P01 pharma + P03 medtech = 80000 / 80000
    "funding_partner_count": 2,  # P01, P03
    "funding_hhi": 6250,  # 75^2 + 25^2 = 5625 + 625
    "funding_top_partner_share": 3 / 4,  # 60000 / 80000
    "engagement_count": 3,  # E02, E03, E07
    "engagement_partner_count": 5,  # P01 P05 (E02), P06 P09 (E03), P03 (E07)
    "engagement_patient_participants": 23,  # 3 + 20 + 0(blank)
    "engagement_patient_voice_count": 1,  # E03 pfdd_meeting
    "engagement_convening_count": 1,  # E03: P01 + P06 + P05, 20 patients
    # P01 2 (E02 E03), P05 2 -> neither; P06, P09, P03 one each -> transactional.
    "relationship_longitudinal_share": 0 / 5,
    "relationship_transactional_share": 3 / 5,
    "engagement_reciprocity_share": 2 / 3,  # industry: E02 F, E03 T, E07 T (P03)
    "partner_active_count": 5,  # P01 P03 P05 P06 P09 (funding adds no one new)
    # Earliest over the kept records: P01 2023-07-03 (E17, F06), P06 2023-07-03 (E17),
    #   P04 2022-12-31 (E14), P05 2024-02-15 (E02), P09 2024-04-10 (E03), P03 2024-07-01 (E07, F13).
    "partner_new_count": 3,  # P03, P05, P09
    # Prior active (2023): P01 (E17, F06), P06 (E17) = 2 (P04's E14 is 2022-12-31); both active in 2024.
    "partner_retention_rate": 2 / 2,
    "partnership_active_count": 0,  # partnerships carry no stage
    "ip_agreement_coverage": None,
    "publication_count": 0,  # publications carry no stage
    "publication_open_access_share": None,
    "publication_lay_summary_share": None,
    "publication_median_days_to_publish": None,
    "publication_industry_coauthored_share": None,
    "publications_per_million_granted": None,  # outbound 0
    "citations_total": 0,
    "milestone_count": 4,  # M03 2024-01-01, M04 2024-06-30, M05 2024-07-01, M06 2024-09-10
    "milestone_clinical_count": 4,
    "approval_count": 0,  # M08 approval is regulatory
    "program_advanced_count": 2,  # PG1, PG2
    "program_patient_insight_share": 1 / 2,  # PG1 T, PG2 F (PG3's milestones are not clinical)
}

# ---------------------------------------------------------------------------------------------
# (5) sectors=("pharma",) AND stages=("clinical",).  Engagements: pharma {E01 E02 E03 E08 E12 E17 E20}
#     and clinical {E02 E03 E07 E14 E17} -> E02 E03 E17 (links E02-P01, E03-P01, E17-P01).
#     Funding: pharma {F01 F02 F06 F07 F08 F12 F14 F16} and clinical {F06 F08 F13} -> F06 F08.
#     Programs: PG1; milestones of PG1 at clinical stage: M03, M04.  No publication, no partnership.
# ---------------------------------------------------------------------------------------------
PHARMA_CLINICAL = {
    "funding_inbound_total": 60000,  # F08
    "funding_outbound_total": 0,
    "funding_inbound_change": 1 / 2,  # prior F06 40000; (60000 - 40000) / 40000
    "funding_industry_share": 1.0,  # 60000 / 60000
    "funding_partner_count": 1,  # P01
    "funding_hhi": 10000,  # 100^2
    "funding_top_partner_share": 1.0,
    "engagement_count": 2,  # E02, E03
    "engagement_partner_count": 1,  # P01 (the only kept link of both)
    "engagement_patient_participants": 23,  # 3 + 20
    "engagement_patient_voice_count": 1,  # E03
    "engagement_convening_count": 0,  # E03 keeps only its P01 link
    "relationship_longitudinal_share": 0 / 1,  # P01: 2 engagements
    "relationship_transactional_share": 0 / 1,  # P01: 2, not 1
    "engagement_reciprocity_share": 1 / 2,  # E02 F, E03 T
    "partner_active_count": 1,  # P01 (P11's F12 and E08 have no stage)
    "partner_new_count": 0,  # P01 first 2023-07-03 (E17, F06)
    "partner_retention_rate": 1 / 1,  # prior: P01 (E17, F06)
    "partnership_active_count": 0,
    "ip_agreement_coverage": None,
    "publication_count": 0,
    "publication_open_access_share": None,
    "publication_lay_summary_share": None,
    "publication_median_days_to_publish": None,
    "publication_industry_coauthored_share": None,
    "publications_per_million_granted": None,
    "citations_total": 0,
    "milestone_count": 2,  # M03, M04
    "milestone_clinical_count": 2,
    "approval_count": 0,
    "program_advanced_count": 1,  # PG1
    "program_patient_insight_share": 1 / 1,  # PG1 T
}

# ---------------------------------------------------------------------------------------------
# (6) partners=("P01",).  Engagements E01 E02 E03 E08 E12 E17 E20 (only the P01 links kept);
#     funding F01 F02 F06 F08 F14 F16; publications PUB04, PUB08; partnership PS01; program PG1.
# ---------------------------------------------------------------------------------------------
P01_ONLY = {
    "funding_inbound_total": 80000,  # F08 60000 + F14 20000
    "funding_outbound_total": 0,
    "funding_inbound_change": 1 / 1,  # prior (2023) F06 40000; (80000 - 40000) / 40000
    "funding_industry_share": 1.0,
    "funding_partner_count": 1,
    "funding_hhi": 10000,
    "funding_top_partner_share": 1.0,
    "engagement_count": 5,  # E01 E02 E03 E08 E12
    "engagement_partner_count": 1,
    "engagement_patient_participants": 43,  # 12 + 3 + 20 + 0 + 8
    "engagement_patient_voice_count": 3,  # E01, E03, E12
    "engagement_convening_count": 0,
    "relationship_longitudinal_share": 1 / 1,  # P01: 5 engagements, 4 quarters, 4 types
    "relationship_transactional_share": 0 / 1,
    "engagement_reciprocity_share": 3 / 5,  # E01 T, E02 F, E03 T, E08 F, E12 T
    "partner_active_count": 1,
    "partner_new_count": 0,  # first 2022-12-30
    "partner_retention_rate": 1 / 1,  # prior (2023): F06, E17
    "partnership_active_count": 1,  # PS01
    "ip_agreement_coverage": 1 / 1,  # PS01 signed
    "publication_count": 1,  # PUB04
    "publication_open_access_share": 1 / 1,
    "publication_lay_summary_share": 0 / 1,
    "publication_median_days_to_publish": None,
    "publication_industry_coauthored_share": 1 / 1,
    "publications_per_million_granted": None,
    "citations_total": 0,
    "milestone_count": 2,  # M03, M04
    "milestone_clinical_count": 2,
    "approval_count": 0,
    "program_advanced_count": 1,
    "program_patient_insight_share": 1 / 1,
}

# ---------------------------------------------------------------------------------------------
# (7) sectors=("cro",): partner P04, whose only record is E14 (2022-12-31, the day before the prior
#     period, calendar 2023). No funding, publication, partnership or program involves P04.
# ---------------------------------------------------------------------------------------------
CRO = {
    "funding_inbound_total": 0,
    "funding_outbound_total": 0,
    "funding_inbound_change": None,  # prior inbound 0
    "funding_industry_share": None,
    "funding_partner_count": 0,
    "funding_hhi": None,
    "funding_top_partner_share": None,
    "engagement_count": 0,
    "engagement_partner_count": 0,
    "engagement_patient_participants": 0,
    "engagement_patient_voice_count": 0,
    "engagement_convening_count": 0,
    "relationship_longitudinal_share": None,
    "relationship_transactional_share": None,
    "engagement_reciprocity_share": None,
    "partner_active_count": 0,
    "partner_new_count": 0,  # P04 first 2022-12-31
    # Null: no partner was active in the prior period (2023); P04's E14 is on 2022-12-31.
    "partner_retention_rate": None,
    "partnership_active_count": 0,
    "ip_agreement_coverage": None,
    "publication_count": 0,
    "publication_open_access_share": None,
    "publication_lay_summary_share": None,
    "publication_median_days_to_publish": None,
    "publication_industry_coauthored_share": None,
    "publications_per_million_granted": None,
    "citations_total": 0,
    "milestone_count": 0,
    "milestone_clinical_count": 0,
    "approval_count": 0,
    "program_advanced_count": 0,
    "program_patient_insight_share": None,  # no program kept
}

# (8) Nothing at all: every count 0, every share null (filters that keep no partner, and the cro one).
NOTHING = CRO  # P04 counts in no period of these tests, so the cro filter keeps nothing at all

# ---------------------------------------------------------------------------------------------
# (9) stages=("discovery", "regulatory") (OR within one filter).  Engagements E01 (discovery),
#     E12 (regulatory); funding F01 (discovery, 2022-12-30), F09 (discovery, P05 outbound);
#     milestones M01 M09 (target_validated), M07 (submission_filed), M08 (approval).
# ---------------------------------------------------------------------------------------------
DISCOVERY_OR_REGULATORY = {
    "funding_inbound_total": 0,  # F01 is 2022
    "funding_outbound_total": 100000,  # F09
    "funding_inbound_change": None,  # prior (2023) inbound 0 (F01 is 2022)
    "funding_industry_share": None,
    "funding_partner_count": 0,
    "funding_hhi": None,
    "funding_top_partner_share": None,
    "engagement_count": 2,  # E01, E12
    "engagement_partner_count": 3,  # P01 (E01 E12), P06 P05 (E12)
    "engagement_patient_participants": 20,  # 12 + 8
    "engagement_patient_voice_count": 2,  # both listening sessions
    "engagement_convening_count": 1,  # E12: P01 + P06 + P05, 8 patients
    "relationship_longitudinal_share": 0 / 3,  # P01 has only 2
    "relationship_transactional_share": 2 / 3,  # P05, P06
    "engagement_reciprocity_share": 2 / 2,  # E01 T, E12 T
    "partner_active_count": 3,  # P01 P05 P06 (P05 also F09)
    # Earliest over the kept records: P01 2022-12-30 (F01), P05 2024-02-01 (F09), P06 2024-12-31 (E12).
    "partner_new_count": 2,  # P05, P06
    "partner_retention_rate": None,  # nothing kept in 2022-12-31..2023-12-31
    "partnership_active_count": 0,
    "ip_agreement_coverage": None,
    "publication_count": 0,
    "publication_open_access_share": None,
    "publication_lay_summary_share": None,
    "publication_median_days_to_publish": None,
    "publication_industry_coauthored_share": None,
    "publications_per_million_granted": 0.0,  # 0 / (100000 / 1000000): grants made, no publication kept
    "citations_total": 0,
    "milestone_count": 1,  # M08 2024-12-31
    "milestone_clinical_count": 0,
    "approval_count": 1,  # M08
    "program_advanced_count": 1,  # PG3
    # Kept milestones on or before 2024-12-31: M01 (PG1 T), M07 M08 (PG3 T); M09 (PG4) is 2025.
    "program_patient_insight_share": 2 / 2,
}

CASES = {
    "pharma": ({"sectors": ("pharma",)}, PHARMA),
    "pharma_academic_regulator": ({"sectors": ("pharma", "academic", "regulator")}, PHARMA_ACADEMIC_REGULATOR),
    "research_investment": ({"kinds": ("research_investment",)}, RESEARCH_INVESTMENT),
    "clinical": ({"stages": ("clinical",)}, CLINICAL),
    "pharma_and_clinical": ({"sectors": ("pharma",), "stages": ("clinical",)}, PHARMA_CLINICAL),
    "partner_P01": ({"partners": ("P01",)}, P01_ONLY),
    "cro_with_no_2024_record": ({"sectors": ("cro",)}, CRO),
    "partner_P12_in_no_record": ({"partners": ("P12",)}, NOTHING),
    "pharma_and_partner_P05_exclude_each_other": ({"sectors": ("pharma",), "partners": ("P05",)}, NOTHING),
    "discovery_or_regulatory": ({"stages": ("discovery", "regulatory")}, DISCOVERY_OR_REGULATORY),
}
CASE_NAMES = list(CASES)


# ------------------------------------------------------------------------------ helpers, fixtures


@pytest.fixture(scope="module")
def computed(tiny_db) -> dict[str, dict]:
    """compute() for calendar 2024 under every filter of this file, once."""
    from metrics import Filters, compute
    from store import database

    with database.read(tiny_db) as con:
        return {name: compute(con, START, END, filters=Filters(**kwargs)) for name, (kwargs, _) in CASES.items()}


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


def _check_group(computed: dict, case: str, group: str) -> None:
    problems = _mismatches(computed[case], CASES[case][1], GROUPS[group])
    assert not problems, f"{case}:\n" + "\n".join(problems)


# ------------------------------------------------------------------------- checks of this file


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_filter_case_has_an_expected_value_for_every_metric(case):
    assert set(CASES[case][1]) == set(METRIC_IDS)


# ------------------------------------------------------------------------- filter construction


def test_filters_without_values_give_exactly_the_unfiltered_result(tiny_db):
    from metrics import Filters, compute
    from store import database

    periods = [
        (START, END),
        (date(2024, 1, 1), date(2024, 6, 30)),
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2030, 1, 1), date(2030, 12, 31)),
    ]
    with database.read(tiny_db) as con:
        for start, end in periods:
            unfiltered = compute(con, start, end)
            assert compute(con, start, end, filters=Filters()) == unfiltered, (start, end)
            assert compute(con, start, end, filters=Filters((), (), (), ())) == unfiltered, (start, end)


def test_empty_filters_are_not_active_and_any_value_makes_them_active():
    from metrics import Filters

    assert not Filters().active
    assert Filters(sectors=("pharma",)).active
    assert Filters(kinds=("experiential",)).active
    assert Filters(stages=("clinical",)).active
    assert Filters(partners=("P01",)).active


def test_an_unknown_sector_raises_value_error():
    from metrics import Filters

    with pytest.raises(ValueError):
        Filters(sectors=("bogus",))


def test_an_unknown_sector_among_known_ones_raises_value_error():
    from metrics import Filters

    with pytest.raises(ValueError):
        Filters(sectors=("pharma", "bogus"))


def test_an_unknown_partnership_kind_or_stage_raises_value_error():
    from metrics import Filters

    with pytest.raises(ValueError):
        Filters(kinds=("bogus",))
    with pytest.raises(ValueError):
        Filters(stages=("bogus",))


# ----------------------------------------------------------------------------- metric checks


@pytest.mark.parametrize("case", CASE_NAMES)
def test_compute_under_a_filter_returns_exactly_the_metric_ids_of_the_catalogue(computed, case):
    assert set(computed[case]) == set(METRIC_IDS)


@pytest.mark.parametrize("case", CASE_NAMES)
def test_every_filtered_value_is_a_plain_number_or_none(computed, case):
    bad = {
        k: v
        for k, v in computed[case].items()
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)))
    }
    assert not bad, f"values must be int, float or None: {bad!r}"


@pytest.mark.parametrize("group", CATALOGUE_GROUPS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_each_groups_filtered_metrics_match_the_hand_calculation(computed, case, group):
    _check_group(computed, case, group)


# ------------------------------------------------------------------- pointed checks of semantics


def test_a_pharma_only_filter_leaves_no_engagement_convening(computed):
    # E03 and E12 convene pharma, regulator and academic partners, but only their P01 links survive.
    assert computed["pharma"]["engagement_convening_count"] == 0
    assert computed["pharma_academic_regulator"]["engagement_convening_count"] == 2


def test_a_sector_filter_drops_the_links_to_other_sectors_from_a_kept_record(computed):
    # PUB03 (P02 biotech, P06 regulator) is kept through P06, but without P02 it has no industry
    # co-author: 1 of 4 (PUB04) instead of 2 of 4.  E04 (P02 P06 P05) likewise leaves the
    # reciprocity denominator: 3/5 (E01 E03 E12 of E01 E02 E03 E08 E12).
    values = computed["pharma_academic_regulator"]
    assert values["publication_industry_coauthored_share"] == pytest.approx(1 / 4, rel=1e-12)
    assert values["engagement_reciprocity_share"] == pytest.approx(3 / 5, rel=1e-12)


def test_a_kind_filter_counts_a_partner_as_new_when_its_earlier_records_are_filtered_out(computed):
    # P03 (F05, E19 in 2023 carry no partnership) and P11 (F07 2023-12-31 carries none) first appear
    # in the kept records in 2024, as does P08: 3 new partners, against 2 (P07, P08) unfiltered.
    assert computed["research_investment"]["partner_new_count"] == 3


def test_a_stage_filter_drops_publications_and_partnerships_but_keeps_programs(computed):
    values = computed["clinical"]
    assert values["publication_count"] == 0
    assert values["partnership_active_count"] == 0
    assert values["program_advanced_count"] == 2  # PG1 (M03 M04), PG2 (M05 M06)


def test_a_kind_filter_drops_programs_and_milestones(computed):
    values = computed["research_investment"]
    assert values["milestone_count"] == 0
    assert values["program_patient_insight_share"] is None


def test_a_filter_matching_nothing_in_2024_gives_zero_counts_and_null_shares(computed):
    values = computed["cro_with_no_2024_record"]
    shares = {m for m in METRIC_IDS if m not in EXACT_IDS}
    for metric_id in EXACT_IDS:
        assert values[metric_id] == 0, metric_id
    # Every share is null, retention too: P04's only record (2022-12-31) is before the prior period, 2023.
    for metric_id in shares:
        assert values[metric_id] is None, metric_id


def test_a_sector_and_a_partner_filter_combine_with_and(computed):
    # P05 is academic, not pharma: no partner passes both, so nothing is kept at all.
    values = computed["pharma_and_partner_P05_exclude_each_other"]
    assert all(values[m] == 0 for m in EXACT_IDS)
    assert all(values[m] is None for m in METRIC_IDS if m not in EXACT_IDS)
