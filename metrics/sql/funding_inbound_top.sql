-- The largest single partner's inbound funding in the period; null when there is none.
WITH by_partner AS (
  SELECT p.period_id, f.partner_id, sum(f.amount) AS amount
  FROM periods AS p
  JOIN window_funding AS f
    ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, f.partner_id
)
SELECT p.period_id, max(b.amount) AS value
FROM periods AS p
LEFT JOIN by_partner AS b ON b.period_id = p.period_id
GROUP BY p.period_id
