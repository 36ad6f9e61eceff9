-- Share of the period's publications involving at least one industry partner; null when there are none.
-- (Counted by day first: the publications, and those with an industry partner among their links.)
WITH publications_by_day AS (
  SELECT published_date AS date, count(*) AS publications FROM window_publications GROUP BY published_date
),
industry_by_day AS (
  -- (a link row carries its publication's date)
  SELECT date, count(DISTINCT publication_id) AS with_industry
  FROM window_publication_partners
  WHERE partner_id IN (SELECT partner_id FROM partners WHERE sector IN ('pharma', 'biotech', 'medtech'))
  GROUP BY date
)
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(d.publications), 0) = 0 THEN NULL
       ELSE coalesce(sum(i.with_industry), 0)::DOUBLE / sum(d.publications) END AS value
FROM periods AS p
LEFT JOIN publications_by_day AS d ON d.date BETWEEN p.start_date AND p.end_date
LEFT JOIN industry_by_day AS i ON i.date = d.date
GROUP BY p.period_id
