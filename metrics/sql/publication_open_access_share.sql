-- Share of the period's publications that are open access; null when there are none (counted by day first).
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(d.publications), 0) = 0 THEN NULL
       ELSE sum(d.open_access)::DOUBLE / sum(d.publications) END AS value
FROM periods AS p
LEFT JOIN (
  SELECT published_date, count(*) AS publications, count(*) FILTER (WHERE open_access) AS open_access
  FROM window_publications
  GROUP BY published_date
) AS d ON d.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
