-- Partnerships with start_date on or before the period's end and no end_date, or one on or after its start.
SELECT p.period_id, count(ps.partnership_id) AS value
FROM periods AS p
LEFT JOIN partnerships AS ps
  ON ps.start_date <= p.end_date AND (ps.end_date IS NULL OR ps.end_date >= p.start_date)
GROUP BY p.period_id
