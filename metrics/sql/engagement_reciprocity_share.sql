-- Of the period's engagements involving an industry partner: the share with insights_shared true.
SELECT
  p.period_id,
  CASE WHEN count(s.engagement_id) = 0 THEN NULL
       ELSE count(s.engagement_id) FILTER (WHERE s.insights_shared)::DOUBLE / count(s.engagement_id) END AS value
FROM periods AS p
LEFT JOIN engagement_sectors AS s ON s.date BETWEEN p.start_date AND p.end_date AND s.with_industry
GROUP BY p.period_id
