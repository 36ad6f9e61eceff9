-- The partners active in the chosen period (an engagement, funding record or publication in it), with the
-- money each paid the foundation in it; for thanking partners by name and pooling the confidential ones.
WITH active AS (
  SELECT DISTINCT i.partner_id
  FROM chosen AS p
  JOIN involvement AS i ON i.date BETWEEN p.start_date AND p.end_date
),
paid AS (
  SELECT f.partner_id, sum(f.amount) AS inbound
  FROM chosen AS p
  JOIN funding AS f ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY f.partner_id
)
SELECT
  pa.partner_id,
  pa.name,
  pa.sector::VARCHAR AS sector,
  pa.confidential,
  coalesce(paid.inbound, 0)::DOUBLE AS inbound
FROM active AS a
JOIN partners AS pa ON pa.partner_id = a.partner_id
LEFT JOIN paid ON paid.partner_id = a.partner_id
ORDER BY lower(pa.name)
