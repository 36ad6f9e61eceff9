-- Share of the period's publications with a lay summary; null when there are none.
SELECT
  p.period_id,
  CASE WHEN count(pub.publication_id) = 0 THEN NULL
       ELSE count(pub.publication_id) FILTER (WHERE pub.lay_summary)::DOUBLE / count(pub.publication_id) END AS value
FROM periods AS p
LEFT JOIN window_publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
