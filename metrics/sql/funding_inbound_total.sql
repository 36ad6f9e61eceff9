-- Sum of inbound funding dated in the period; 0 when there is none.
SELECT p.period_id, coalesce(sum(f.amount), 0) AS value
FROM periods AS p
LEFT JOIN window_funding AS f
  ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
