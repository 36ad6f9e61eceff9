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
    CASE l.milestone::VARCHAR
      WHEN 'target_validated' THEN 'discovery'
      WHEN 'candidate_nominated' THEN 'preclinical'
      WHEN 'ind_cleared' THEN 'clinical'
      WHEN 'phase1_started' THEN 'clinical'
      WHEN 'phase2_started' THEN 'clinical'
      WHEN 'phase3_started' THEN 'clinical'
      WHEN 'submission_filed' THEN 'regulatory'
      WHEN 'approval' THEN 'regulatory'
      WHEN 'label_expansion' THEN 'utilization'
      WHEN 'guideline_adopted' THEN 'utilization'
    END::rd_stage AS stage
  FROM latest AS l
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
