-- Inbound and outbound funding per calendar quarter, from the first period's start to the chosen period's end.
WITH quarters AS (
  SELECT unnest(generate_series(
    date_trunc('quarter', (SELECT min(start_date) FROM periods)),
    date_trunc('quarter', (SELECT max(end_date) FROM periods)),
    INTERVAL 3 MONTH
  ))::DATE AS quarter
)
SELECT
  q.quarter,
  'Q' || quarter(q.quarter) || ' ' || year(q.quarter) AS label,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'inbound'), 0)::DOUBLE AS inbound,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'outbound'), 0)::DOUBLE AS outbound
FROM quarters AS q
LEFT JOIN funding AS f
  ON date_trunc('quarter', f.date) = q.quarter
 AND f.date BETWEEN (SELECT min(start_date) FROM periods) AND (SELECT max(end_date) FROM periods)
GROUP BY q.quarter
ORDER BY q.quarter
