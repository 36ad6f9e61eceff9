-- (inbound this period - inbound in the prior period) / inbound in the prior period; null when the prior is 0.
-- (Inbound funding is summed by day first.)
WITH days AS (
  SELECT date, sum(amount) AS amount FROM window_funding WHERE direction = 'inbound' GROUP BY date
),
totals AS (
  SELECT
    p.period_id,
    coalesce(sum(d.amount) FILTER (WHERE d.date BETWEEN p.start_date AND p.end_date), 0) AS current_total,
    coalesce(sum(d.amount) FILTER (WHERE d.date BETWEEN p.prior_start AND p.prior_end), 0) AS prior_total
  FROM periods AS p
  LEFT JOIN days AS d ON d.date BETWEEN p.prior_start AND p.end_date
  GROUP BY p.period_id
)
SELECT
  period_id,
  CASE WHEN prior_total = 0 THEN NULL
       ELSE (current_total - prior_total)::DOUBLE / prior_total::DOUBLE END AS value
FROM totals
