-- The largest single partner's inbound funding / all inbound funding; null when no inbound.
WITH by_partner AS (
  SELECT p.period_id, f.partner_id, sum(f.amount) AS amount
  FROM periods AS p
  JOIN window_funding AS f
    ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, f.partner_id
)
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(b.amount), 0) = 0 THEN NULL
       ELSE max(b.amount)::DOUBLE / sum(b.amount)::DOUBLE END AS value
FROM periods AS p
LEFT JOIN by_partner AS b ON b.period_id = p.period_id
GROUP BY p.period_id
