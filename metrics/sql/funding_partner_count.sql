-- Distinct partners with inbound funding in the period.
SELECT p.period_id, count(DISTINCT f.partner_id) AS value
FROM periods AS p
LEFT JOIN window_funding AS f
  ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
