-- Each partner's money in each period, in and out, with whether it is confidential and whether it is industry:
-- what the community gate pools as "Other partners" and checks before it shows a total (community/gate.py).
SELECT
  p.period_id,
  f.partner_id,
  pa.confidential,
  pa.sector IN ('pharma', 'biotech', 'medtech') AS industry,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'inbound'), 0)::DOUBLE AS inbound,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'outbound'), 0)::DOUBLE AS outbound
FROM periods AS p
JOIN funding AS f ON f.date BETWEEN p.start_date AND p.end_date
JOIN partners AS pa ON pa.partner_id = f.partner_id
GROUP BY ALL
ORDER BY p.period_id, f.partner_id
