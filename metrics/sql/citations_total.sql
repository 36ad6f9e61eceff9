-- Sum of citations over the period's publications (a missing value counts as 0).
SELECT p.period_id, coalesce(sum(pub.citations), 0) AS value
FROM periods AS p
LEFT JOIN window_publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
