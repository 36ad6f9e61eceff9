-- Engagements per R&D stage (or none recorded) and calendar year, over the trend periods; every cell, zeros included.
WITH span AS (
  SELECT min(start_date) AS first_day, max(end_date) AS last_day FROM periods
),
years AS (
  SELECT unnest(range(year(first_day), year(last_day) + 1)) AS year FROM span
),
stages AS (
  SELECT unnest(r)::VARCHAR AS stage, generate_subscripts(r, 1) AS position
  FROM (SELECT enum_range(NULL::rd_stage) AS r)
  UNION ALL
  SELECT 'not_staged', 99
),
days AS (
  -- The engagements from the first period's first day to the last one's last day, counted by day and stage.
  SELECT date, stage, count(*) AS engagements FROM window_engagements GROUP BY date, stage
),
counts AS (
  SELECT year(date) AS year, coalesce(stage::VARCHAR, 'not_staged') AS stage, sum(engagements)::BIGINT AS engagements
  FROM days
  GROUP BY ALL
)
SELECT y.year, s.stage, coalesce(c.engagements, 0) AS engagements
FROM years AS y
CROSS JOIN stages AS s
LEFT JOIN counts AS c ON c.year = y.year AND c.stage = s.stage
ORDER BY y.year, s.position
