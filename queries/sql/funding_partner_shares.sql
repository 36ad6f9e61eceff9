-- Each partner's inbound funding in the chosen period and its share of all inbound funding, largest first.
WITH by_partner AS (
  SELECT f.partner_id, sum(f.amount) AS inbound
  FROM chosen AS p
  JOIN funding AS f ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY f.partner_id
)
SELECT
  b.partner_id,
  pa.name AS partner,
  pa.sector::VARCHAR AS sector,
  pa.confidential,
  b.inbound::DOUBLE AS inbound,
  b.inbound::DOUBLE / sum(b.inbound) OVER ()::DOUBLE AS share
FROM by_partner AS b
JOIN partners AS pa ON pa.partner_id = b.partner_id
ORDER BY b.inbound DESC, pa.name
