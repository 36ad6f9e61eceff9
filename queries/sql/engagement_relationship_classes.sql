-- Partners engaged in each trend period by relationship class: longitudinal (>= 3 engagements, in >= 2 calendar
-- quarters, of >= 2 types), transactional (exactly 1 engagement) or developing (every other engaged partner).
WITH by_partner AS (
  SELECT
    p.period_id,
    ep.partner_id,
    count(*) AS engagements,
    count(DISTINCT date_trunc('quarter', e.date)) AS quarters,
    count(DISTINCT e.type) AS types
  FROM periods AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  GROUP BY p.period_id, ep.partner_id
),
classed AS (
  SELECT
    period_id,
    partner_id,
    CASE
      WHEN engagements >= 3 AND quarters >= 2 AND types >= 2 THEN 'longitudinal'
      WHEN engagements = 1 THEN 'transactional'
      ELSE 'developing'
    END AS relationship
  FROM by_partner
),
classes (rank, relationship) AS (
  VALUES (1, 'longitudinal'), (2, 'developing'), (3, 'transactional')
)
SELECT p.period_id, c.relationship, count(b.partner_id) AS partners
FROM periods AS p
CROSS JOIN classes AS c
LEFT JOIN classed AS b ON b.period_id = p.period_id AND b.relationship = c.relationship
GROUP BY p.period_id, c.rank, c.relationship
ORDER BY p.period_id, c.rank
