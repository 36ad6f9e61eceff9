-- Partners that lapsed: involved (an engagement, funding record or publication) in the period before, but not in
-- the period itself. The period before is the previous one in `periods` when there is one (2023 before 2024),
-- otherwise the prior period of the same length. One row per period: (period_id, lapsed).
WITH spans AS (
  SELECT
    p.period_id,
    p.start_date,
    p.end_date,
    coalesce(q.start_date, p.prior_start) AS before_start,
    coalesce(q.end_date, p.prior_end) AS before_end
  FROM periods AS p
  LEFT JOIN periods AS q ON q.period_id = p.period_id - 1
),
before AS (
  SELECT DISTINCT s.period_id, i.partner_id
  FROM spans AS s
  JOIN involvement AS i ON i.date BETWEEN s.before_start AND s.before_end
),
now AS (
  SELECT DISTINCT s.period_id, i.partner_id
  FROM spans AS s
  JOIN involvement AS i ON i.date BETWEEN s.start_date AND s.end_date
)
SELECT
  s.period_id,
  count(b.partner_id) AS lapsed
FROM spans AS s
LEFT JOIN before AS b
  ON b.period_id = s.period_id
  AND NOT EXISTS (SELECT 1 FROM now AS n WHERE n.period_id = b.period_id AND n.partner_id = b.partner_id)
GROUP BY s.period_id
ORDER BY s.period_id
