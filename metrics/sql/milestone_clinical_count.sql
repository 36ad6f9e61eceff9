-- Milestones in the period of kind ind_cleared, phase1_started, phase2_started or phase3_started.
SELECT p.period_id, count(m.milestone_id) AS value
FROM periods AS p
LEFT JOIN milestones AS m
  ON m.date BETWEEN p.start_date AND p.end_date
 AND m.milestone IN ('ind_cleared', 'phase1_started', 'phase2_started', 'phase3_started')
GROUP BY p.period_id
