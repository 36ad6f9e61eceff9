-- Herfindahl-Hirschman index: sum over partners of (100 x partner's inbound / all inbound)^2; null when no inbound.
WITH by_partner AS (
  SELECT p.period_id, f.partner_id, sum(f.amount) AS amount
  FROM periods AS p
  JOIN funding AS f
    ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, f.partner_id
),
shares AS (
  SELECT period_id, amount::DOUBLE AS amount, sum(amount) OVER (PARTITION BY period_id)::DOUBLE AS total
  FROM by_partner
)
SELECT p.period_id, sum(power(100 * s.amount / s.total, 2)) AS value
FROM periods AS p
LEFT JOIN shares AS s ON s.period_id = p.period_id
GROUP BY p.period_id
