-- Share of the period's publications involving at least one industry partner; null when there are none.
-- (The publications with an industry partner are found once for the whole window, not per period.)
WITH with_industry AS (
  SELECT DISTINCT pp.publication_id
  FROM window_publication_partners AS pp
  JOIN partners AS pa ON pa.partner_id = pp.partner_id
  WHERE pa.sector IN ('pharma', 'biotech', 'medtech')
)
SELECT
  p.period_id,
  CASE WHEN count(pub.publication_id) = 0 THEN NULL
       ELSE count(i.publication_id)::DOUBLE / count(pub.publication_id) END AS value
FROM periods AS p
LEFT JOIN window_publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
LEFT JOIN with_industry AS i ON i.publication_id = pub.publication_id
GROUP BY p.period_id
