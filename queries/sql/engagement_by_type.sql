-- Engagements per trend period and type: every type seen in those periods, for every period (zeros included).
-- (Counted by day and type first: a period then adds up days, not engagements.)
WITH days AS (
  SELECT date, type, count(*) AS engagements FROM window_engagements GROUP BY date, type
),
counts AS (
  SELECT p.period_id, d.type, sum(d.engagements)::BIGINT AS engagements
  FROM periods AS p
  JOIN days AS d ON d.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, d.type
)
SELECT p.period_id, t.type::VARCHAR AS type, coalesce(c.engagements, 0) AS engagements
FROM periods AS p
CROSS JOIN (SELECT DISTINCT type FROM counts) AS t
LEFT JOIN counts AS c ON c.period_id = p.period_id AND c.type = t.type
ORDER BY p.period_id, t.type
