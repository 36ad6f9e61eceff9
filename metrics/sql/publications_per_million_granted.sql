-- publication_count / (funding_outbound_total / 1,000,000); null when no grants were made.
WITH counts AS (
  SELECT p.period_id, count(pub.publication_id) AS publications
  FROM periods AS p
  LEFT JOIN window_publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id
),
grants AS (
  SELECT p.period_id, coalesce(sum(f.amount), 0) AS granted
  FROM periods AS p
  LEFT JOIN window_funding AS f
    ON f.direction = 'outbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id
)
SELECT
  c.period_id,
  CASE WHEN g.granted = 0 THEN NULL
       ELSE c.publications::DOUBLE / (g.granted::DOUBLE / 1000000) END AS value
FROM counts AS c
JOIN grants AS g ON g.period_id = c.period_id
