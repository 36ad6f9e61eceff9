-- Milestones in the period of kind approval.
SELECT p.period_id, count(m.milestone_id) AS value
FROM periods AS p
LEFT JOIN milestones AS m
  ON m.date BETWEEN p.start_date AND p.end_date AND m.milestone = 'approval'
GROUP BY p.period_id
