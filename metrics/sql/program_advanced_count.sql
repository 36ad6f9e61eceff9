-- Distinct programs with at least one milestone in the period.
SELECT p.period_id, count(DISTINCT m.program_id) AS value
FROM periods AS p
LEFT JOIN milestones AS m ON m.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
