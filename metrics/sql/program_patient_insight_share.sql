-- Of the programs with a milestone on or before the period's end: the share with patient_insights true.
WITH reached AS (
  SELECT DISTINCT p.period_id, pr.program_id, pr.patient_insights
  FROM periods AS p
  JOIN milestones AS m ON m.date <= p.end_date
  JOIN programs AS pr ON pr.program_id = m.program_id
)
SELECT
  p.period_id,
  CASE WHEN count(r.program_id) = 0 THEN NULL
       ELSE count(r.program_id) FILTER (WHERE r.patient_insights)::DOUBLE / count(r.program_id) END AS value
FROM periods AS p
LEFT JOIN reached AS r ON r.period_id = p.period_id
GROUP BY p.period_id
