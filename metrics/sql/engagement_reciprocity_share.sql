-- Of the period's engagements involving an industry partner: the share with insights_shared true (counted by day
-- first).
SELECT
  p.period_id,
  CASE WHEN coalesce(sum(d.engagements), 0) = 0 THEN NULL
       ELSE sum(d.shared)::DOUBLE / sum(d.engagements) END AS value
FROM periods AS p
LEFT JOIN (
  SELECT date, count(*) AS engagements, count(*) FILTER (WHERE insights_shared) AS shared
  FROM engagement_sectors
  WHERE with_industry
  GROUP BY date
) AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
