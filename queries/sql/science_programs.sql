-- The programs with a milestone on or before the chosen period's end (those program_patient_insight_share
-- counts): partners, patient insights, and their latest milestone and stage at that date; most advanced first.
WITH latest AS (
  SELECT m.program_id, m.milestone, m.date
  FROM chosen AS p
  JOIN milestones AS m ON m.date <= p.end_date
  QUALIFY row_number() OVER (PARTITION BY m.program_id ORDER BY m.date DESC, m.milestone DESC) = 1
),
staged AS (
  SELECT
    l.*,
    ms.stage
  FROM latest AS l
  JOIN milestone_stages AS ms ON ms.milestone = l.milestone
)
SELECT
  pr.name AS program,
  pr.modality,
  (SELECT count(*) FROM program_partners AS pp WHERE pp.program_id = pr.program_id) AS partners,
  pr.patient_insights,
  s.stage::VARCHAR AS stage,
  s.milestone::VARCHAR AS latest_milestone,
  s.date AS latest_milestone_date
FROM staged AS s
JOIN programs AS pr ON pr.program_id = s.program_id
ORDER BY s.stage DESC, s.date DESC, pr.name
