-- Publications with published_date in the period.
SELECT p.period_id, count(pub.publication_id) AS value
FROM periods AS p
LEFT JOIN window_publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
