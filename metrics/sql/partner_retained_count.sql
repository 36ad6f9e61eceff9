-- Partners active in the prior period and also in this one.
WITH prior_active AS (
  SELECT DISTINCT p.period_id, i.partner_id
  FROM periods AS p
  JOIN partner_activity AS i ON i.date BETWEEN p.prior_start AND p.prior_end
),
current_active AS (
  SELECT DISTINCT p.period_id, i.partner_id
  FROM periods AS p
  JOIN partner_activity AS i ON i.date BETWEEN p.start_date AND p.end_date
)
SELECT p.period_id, count(ca.partner_id) AS value
FROM periods AS p
LEFT JOIN prior_active AS pa ON pa.period_id = p.period_id
LEFT JOIN current_active AS ca ON ca.period_id = pa.period_id AND ca.partner_id = pa.partner_id
GROUP BY p.period_id
