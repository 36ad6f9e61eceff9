-- Inbound funding from industry partners (pharma, biotech, medtech) / all inbound funding; null when none.
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(f.amount), 0) = 0 THEN NULL
       ELSE coalesce(sum(f.amount) FILTER (WHERE pa.sector IN ('pharma', 'biotech', 'medtech')), 0)::DOUBLE
            / sum(f.amount)::DOUBLE END AS value
FROM periods AS p
LEFT JOIN window_funding AS f
  ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
LEFT JOIN partners AS pa ON pa.partner_id = f.partner_id
GROUP BY p.period_id
