-- Publications with published_date in the period (counted by day first).
SELECT p.period_id, coalesce(sum(d.publications), 0)::BIGINT AS value
FROM periods AS p
LEFT JOIN (
  SELECT published_date, count(*) AS publications FROM window_publications GROUP BY published_date
) AS d ON d.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
