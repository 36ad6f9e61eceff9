-- Programs with a milestone on or before the period's end.
WITH reached AS (
  SELECT DISTINCT p.period_id, pr.program_id
  FROM periods AS p
  JOIN milestones AS m ON m.date <= p.end_date
  JOIN programs AS pr ON pr.program_id = m.program_id
)
SELECT p.period_id, count(r.program_id) AS value
FROM periods AS p
LEFT JOIN reached AS r ON r.period_id = p.period_id
GROUP BY p.period_id
