-- Share of the period's publications with a lay summary; null when there are none (counted by day first).
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(d.publications), 0) = 0 THEN NULL
       ELSE sum(d.lay_summary)::DOUBLE / sum(d.publications) END AS value
FROM periods AS p
LEFT JOIN (
  SELECT published_date, count(*) AS publications, count(*) FILTER (WHERE lay_summary) AS lay_summary
  FROM window_publications
  GROUP BY published_date
) AS d ON d.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
