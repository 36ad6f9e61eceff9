-- Engagements per trend period and type: every type seen in those periods, for every period (zeros included).
WITH counts AS (
  SELECT p.period_id, e.type, count(*) AS engagements
  FROM periods AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, e.type
)
SELECT p.period_id, t.type::VARCHAR AS type, coalesce(c.engagements, 0) AS engagements
FROM periods AS p
CROSS JOIN (SELECT DISTINCT type FROM counts) AS t
LEFT JOIN counts AS c ON c.period_id = p.period_id AND c.type = t.type
ORDER BY p.period_id, t.type
