-- Inbound and outbound funding in the chosen period by R&D stage, in the order of the stages.
SELECT
  coalesce(f.stage::VARCHAR, 'not_staged') AS stage,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'inbound'), 0)::DOUBLE AS inbound,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'outbound'), 0)::DOUBLE AS outbound
FROM chosen AS p
JOIN funding AS f ON f.date BETWEEN p.start_date AND p.end_date
GROUP BY f.stage
ORDER BY f.stage NULLS LAST
