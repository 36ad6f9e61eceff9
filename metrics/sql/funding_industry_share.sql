-- Inbound funding from industry partners (pharma, biotech, medtech) / all inbound funding; null when none.
-- (Summed by day first.)
WITH days AS (
  SELECT
    f.date,
    sum(f.amount) AS amount,
    sum(f.amount) FILTER (WHERE pa.sector IN ('pharma', 'biotech', 'medtech')) AS industry
  FROM window_funding AS f
  LEFT JOIN partners AS pa ON pa.partner_id = f.partner_id
  WHERE f.direction = 'inbound'
  GROUP BY f.date
)
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(d.amount), 0) = 0 THEN NULL
       ELSE coalesce(sum(d.industry), 0)::DOUBLE / sum(d.amount)::DOUBLE END AS value
FROM periods AS p
LEFT JOIN days AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
