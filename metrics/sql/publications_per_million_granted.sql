-- publication_count / (funding_outbound_total / 1,000,000); null when no grants were made.
-- (Both counted by day first.)
WITH counts AS (
  SELECT p.period_id, coalesce(sum(d.publications), 0)::BIGINT AS publications
  FROM periods AS p
  LEFT JOIN (
    SELECT published_date, count(*) AS publications FROM window_publications GROUP BY published_date
  ) AS d ON d.published_date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id
),
grants AS (
  SELECT p.period_id, coalesce(sum(d.amount), 0) AS granted
  FROM periods AS p
  LEFT JOIN (
    SELECT date, sum(amount) AS amount FROM window_funding WHERE direction = 'outbound' GROUP BY date
  ) AS d ON d.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id
)
SELECT
  c.period_id,
  CASE WHEN g.granted = 0 THEN NULL
       ELSE c.publications::DOUBLE / (g.granted::DOUBLE / 1000000) END AS value
FROM counts AS c
JOIN grants AS g ON g.period_id = c.period_id
