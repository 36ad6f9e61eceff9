-- (inbound this period - inbound in the prior period) / inbound in the prior period; null when the prior is 0.
WITH totals AS (
  SELECT
    p.period_id,
    coalesce(sum(f.amount) FILTER (WHERE f.date BETWEEN p.start_date AND p.end_date), 0) AS current_total,
    coalesce(sum(f.amount) FILTER (WHERE f.date BETWEEN p.prior_start AND p.prior_end), 0) AS prior_total
  FROM periods AS p
  LEFT JOIN window_funding AS f
    ON f.direction = 'inbound' AND f.date BETWEEN p.prior_start AND p.end_date
  GROUP BY p.period_id
)
SELECT
  period_id,
  CASE WHEN prior_total = 0 THEN NULL
       ELSE (current_total - prior_total)::DOUBLE / prior_total::DOUBLE END AS value
FROM totals
