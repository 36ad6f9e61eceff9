-- Share of the period's publications involving at least one industry partner; null when there are none.
WITH pubs AS (
  SELECT
    p.period_id,
    pub.publication_id,
    coalesce(bool_or(pa.sector IN ('pharma', 'biotech', 'medtech')), false) AS has_industry
  FROM periods AS p
  JOIN publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
  LEFT JOIN publication_partners AS pp ON pp.publication_id = pub.publication_id
  LEFT JOIN partners AS pa ON pa.partner_id = pp.partner_id
  GROUP BY p.period_id, pub.publication_id
)
SELECT
  p.period_id,
  CASE WHEN count(x.publication_id) = 0 THEN NULL
       ELSE count(x.publication_id) FILTER (WHERE x.has_industry)::DOUBLE / count(x.publication_id) END AS value
FROM periods AS p
LEFT JOIN pubs AS x ON x.period_id = p.period_id
GROUP BY p.period_id
