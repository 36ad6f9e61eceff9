-- Every milestone on or before the chosen period's end, with its program and R&D stage, for the timeline;
-- in the contract's order of milestones, then by date. Programs that share a name are told apart by their id.
WITH named AS (
  SELECT
    program_id,
    CASE WHEN count(*) OVER (PARTITION BY name) > 1 THEN name || ' (' || program_id || ')' ELSE name END AS program
  FROM programs
)
SELECT
  n.program,
  min(m.date) OVER (PARTITION BY m.program_id) AS program_first_date,
  m.date,
  m.milestone::VARCHAR AS milestone,
  ms.stage::VARCHAR AS stage,
  m.note
FROM chosen AS p
JOIN milestones AS m ON m.date <= p.end_date
JOIN named AS n ON n.program_id = m.program_id
JOIN milestone_stages AS ms ON ms.milestone = m.milestone
ORDER BY m.milestone, m.date, n.program
