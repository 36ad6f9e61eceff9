-- Inbound and outbound funding in the chosen period by the partner's sector.
SELECT
  pa.sector::VARCHAR AS sector,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'inbound'), 0)::DOUBLE AS inbound,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'outbound'), 0)::DOUBLE AS outbound
FROM chosen AS p
JOIN funding AS f ON f.date BETWEEN p.start_date AND p.end_date
JOIN partners AS pa ON pa.partner_id = f.partner_id
GROUP BY pa.sector
ORDER BY inbound + outbound DESC
