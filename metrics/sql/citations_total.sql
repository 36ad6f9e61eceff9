-- Sum of citations over the period's publications (a missing value counts as 0; summed by day first).
SELECT p.period_id, coalesce(sum(d.citations), 0) AS value
FROM periods AS p
LEFT JOIN (
  SELECT published_date, sum(citations) AS citations FROM window_publications GROUP BY published_date
) AS d ON d.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
