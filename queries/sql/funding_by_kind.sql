-- Inbound and outbound funding in the chosen period by the kind of partnership it belongs to.
SELECT
  coalesce(ps.kind::VARCHAR, 'no_partnership') AS kind,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'inbound'), 0)::DOUBLE AS inbound,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'outbound'), 0)::DOUBLE AS outbound
FROM chosen AS p
JOIN funding AS f ON f.date BETWEEN p.start_date AND p.end_date
LEFT JOIN partnerships AS ps ON ps.partnership_id = f.partnership_id
GROUP BY ALL
ORDER BY inbound + outbound DESC
