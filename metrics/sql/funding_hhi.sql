-- Herfindahl-Hirschman index: sum over partners of (100 x partner's inbound / all inbound)^2; null when no inbound.
-- Computed as 10,000 x sum(amount^2) / (sum(amount))^2 in exact decimals, so that the result is the same to the
-- last digit on every run (a parallel sum of floating-point squares is not).
WITH by_partner AS (
  SELECT p.period_id, f.partner_id, sum(f.amount) AS amount
  FROM periods AS p
  JOIN window_funding AS f
    ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, f.partner_id
)
SELECT p.period_id, 10000 * CAST(sum(b.amount * b.amount) AS DOUBLE) / power(CAST(sum(b.amount) AS DOUBLE), 2) AS value
FROM periods AS p
LEFT JOIN by_partner AS b ON b.period_id = p.period_id
GROUP BY p.period_id
