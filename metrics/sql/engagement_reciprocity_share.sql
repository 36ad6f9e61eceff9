-- Of the period's engagements involving an industry partner: the share with insights_shared true.
WITH industry_engagements AS (
  SELECT DISTINCT p.period_id, e.engagement_id, e.insights_shared
  FROM periods AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  JOIN partners AS pa ON pa.partner_id = ep.partner_id
  WHERE pa.sector IN ('pharma', 'biotech', 'medtech')
)
SELECT
  p.period_id,
  CASE WHEN count(i.engagement_id) = 0 THEN NULL
       ELSE count(i.engagement_id) FILTER (WHERE i.insights_shared)::DOUBLE / count(i.engagement_id) END AS value
FROM periods AS p
LEFT JOIN industry_engagements AS i ON i.period_id = p.period_id
GROUP BY p.period_id
