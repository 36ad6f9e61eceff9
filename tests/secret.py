"""The "secret" foundation: a small hand-made database that every community output is tried against.

One confidential partner, Cedar Devices (S1), gives most of the money; a named partner's name is markup
(E1, MARKUP); counts of people are under 11; public notes and events name the confidential partner, and a private
note and a private event must never show. Every amount is odd enough to be found in any output.

The free text a community output shows writes the confidential name as people and systems do (rule 4; SPELLINGS):
  convening titles   G2 (2023) "Cedar retreat"; G6 (2024) "PFDD meeting with CedarDevices and #cedar"
  publication titles PB1 (2024) "Results with Cedar Devices (cedar-devices.com)"; PB2 (2023) "Registry methods
                     with Ｃedar sensors" (a full-width C)
  program, milestone PG1 "Cédar sensor program"; M1 (2024) "Validated with the Cedars' data (Ce·dar2024.csv)",
                     · a zero-width space
  public notes       2024 on funding_inbound_total PUBLIC_NOTE ("Cedar Devices", "Cedar"); 2023 on
                     funding_inbound_total and engagement_count "Cedar_Devices", "@cedar", "#TeamCedar", "CÉDAR's"
  public events      2024-03-01 PUBLIC_EVENT ("Cedar Devices joins"); 2023-06-01 "Ｃedar_devices visit"
Notes and events cannot hold a zero-width character (store/notes.py refuses it); imported titles can.

  funding, inbound   2023: E1 41,813 (Q1)  S1 123,457 (Q2)  N3 12,989 (Q3)  N4 67,891 (Q4)  = 246,150
                     2024: S1 905,313 (Q1) N4 52,117 (Q2)   E1 31,771 (Q3)  N3 20,457 (Q3)  = 1,009,658
  funding, outbound  2023: N1 50,000 (Q2)   2024: N1 60,000 (Q4)
  engagements        2023: G1 listening S1 (3 patients), G2 retreat S1 E1 N1 N2 (7, a convening),
                           G3 webinar N1 N3 (40), G4 advisory board E1 N4 (0)         -> 50 patients in 2023
                     2024: G5 listening S1 N1 (3), G6 PFDD meeting E1 N2 N1 (4, a convening), G7 webinar N3 (2)
                                                                                        -> 9 patients in 2024
How the gate treats 2023's money received (worked out in tests/test_gate.py): S1 alone is 1 partner, so the
smallest named funders join its pool, N3 (12,989) then E1 (41,813): 123,457 / 178,259 = 69% <= 80%, safe. So
N4 67,891 is named and "Other partners" is 178,259; E1's and N3's own amounts show nowhere. In 2024 S1 gives
905,313 / 1,009,658 = 90% of the money: no total, no breakdown, no amount at all.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

CONFIDENTIAL = "Cedar Devices"
DISTINCTIVE = "Cedar"
MARKUP = "**Orchid** <b>Bio</b> ![x](http://evil.invalid/x.png)"
# Amounts that must never be seen in a community output: the confidential partner's, the pooled named partners'
# own amounts (in 2023: E1 and N3), and every sum of a part of a pool that is not the whole pool.
POOLED_2023 = {"S1": 123_457, "E1": 41_813, "N3": 12_989}
SECRET_2024 = {"S1": 905_313, "N4": 52_117, "E1": 31_771, "N3": 20_457}

FILES = {
    "partners": f"""partner_id,name,sector,country,confidential
S1,{CONFIDENTIAL},medtech,IE,true
E1,"{MARKUP}",pharma,US,false
N1,Northfield University,academic,US,false
N2,Medicines Agency,regulator,NL,false
N3,Kind Foundation,foundation,US,false
N4,Birchwood Biotech,biotech,DE,false
""",
    "funding": """funding_id,date,partner_id,direction,amount,currency,partnership_id,purpose,stage
F01,2023-02-01,E1,inbound,41813,USD,,sponsorship,clinical
F02,2023-05-10,S1,inbound,123457,USD,,research_grant,clinical
F03,2023-08-01,N3,inbound,12989,USD,,sponsorship,
F04,2023-11-01,N4,inbound,67891,USD,,research_grant,preclinical
F05,2023-06-15,N1,outbound,50000,USD,,research_grant,discovery
F06,2024-03-01,S1,inbound,905313,USD,,research_grant,clinical
F07,2024-04-01,N4,inbound,52117,USD,,research_grant,preclinical
F08,2024-07-01,E1,inbound,31771,USD,,sponsorship,clinical
F09,2024-09-01,N3,inbound,20457,USD,,sponsorship,
F10,2024-10-01,N1,outbound,60000,USD,,research_grant,discovery
""",
    "engagements": """engagement_id,date,type,partner_ids,title,stage,attendees,patient_participants,insights_shared
G1,2023-03-01,listening_session,S1,Listening session with Cedar Devices,clinical,8,3,true
G2,2023-06-01,scientific_retreat,S1;E1;N1;N2,Cedar retreat,clinical,9,7,true
G3,2023-09-01,webinar,N1;N3,Community webinar,,120,40,false
G4,2023-11-15,advisory_board,E1;N4,Advisory board,preclinical,12,0,false
G5,2024-02-01,listening_session,S1;N1,Cedar listening,clinical,6,3,true
G6,2024-05-01,pfdd_meeting,E1;N2;N1,PFDD meeting with CedarDevices and #cedar,clinical,7,4,true
G7,2024-08-01,webinar,N3,Webinar,,5,2,false
""",
    "publications": """publication_id,title,published_date,doi,partner_ids,study_completed_date,open_access
PB1,Results with Cedar Devices (cedar-devices.com),2024-04-01,10.5555/secret.1,S1;E1,2023-12-01,true
PB2,Registry methods with Ｃedar sensors,2023-10-01,10.5555/secret.2,N1,2023-06-01,true
""",
    "programs": """program_id,name,partner_ids,modality,patient_insights
PG1,Cédar sensor program,S1,device,true
""",
    "milestones": """milestone_id,program_id,date,milestone,note
M1,PG1,2024-06-01,target_validated,Validated with the Cedars' data (Ce\u200bdar2024.csv)
""",
}
PUBLIC_NOTE = f"{CONFIDENTIAL} renewed its grant: thanks to {DISTINCTIVE} and to *everyone* <b>involved</b>."
PRIVATE_NOTE = "Private: the Cedar budget is 905,313"
PUBLIC_EVENT = f"{CONFIDENTIAL} joins"
PRIVATE_EVENT = "Secret Cedar visit"
NOTES_2023 = {
    "funding_inbound_total": "Cedar_Devices renewed for 2023: follow @cedar for the news.",
    "engagement_count": "#TeamCedar and CÉDAR's patients joined the retreat.",
}
EVENT_2023 = "Ｃedar_devices visit"
# The spellings of the confidential name in the free text above, each of which must leave every community output.
SPELLINGS = ("CedarDevices", "#cedar", "cedar-devices.com", "Ｃedar", "Cédar", "Cedars", "Ce\u200bdar2024",
             "Cedar_Devices", "@cedar", "#TeamCedar", "CÉDAR's", "Ｃedar_devices")  # fmt: skip


def build(folder: Path) -> Path:
    """Writes the files, imports them, and adds the notes and events; returns the database."""
    from store import notes
    from store.importer import import_files

    paths = []
    for table, text in FILES.items():
        path = folder / f"{table}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    db = folder / "secret.duckdb"
    result = import_files(db, paths)
    assert result.ok, [str(p) for p in result.problems]
    year = (date(2024, 1, 1), date(2024, 12, 31))
    notes.add_note(db, "funding_inbound_total", *year, PUBLIC_NOTE, public=True, author="Ana <script>x</script>")
    notes.add_note(db, "engagement_count", *year, PRIVATE_NOTE, public=False)
    notes.add_annotation(db, date(2024, 3, 1), PUBLIC_EVENT, "partner", public=True)
    notes.add_annotation(db, date(2024, 5, 1), PRIVATE_EVENT, "event", public=False)
    for metric_id, text in NOTES_2023.items():
        notes.add_note(db, metric_id, date(2023, 1, 1), date(2023, 12, 31), text, public=True)
    notes.add_annotation(db, date(2023, 6, 1), EVENT_2023, "event", public=True)
    return db
