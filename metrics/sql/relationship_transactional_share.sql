-- Of the partners engaged in the period: the share involved in exactly one engagement.
WITH by_partner AS (
  SELECT p.period_id, ep.partner_id, count(*) AS engagements
  FROM periods AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  GROUP BY p.period_id, ep.partner_id
)
SELECT
  p.period_id,
  CASE WHEN count(b.partner_id) = 0 THEN NULL
       ELSE count(b.partner_id) FILTER (WHERE b.engagements = 1)::DOUBLE / count(b.partner_id) END AS value
FROM periods AS p
LEFT JOIN by_partner AS b ON b.period_id = p.period_id
GROUP BY p.period_id
