-- The partners engaged in the chosen period, each with its relationship class (as in engagement_relationship_classes),
-- its engagements, the calendar quarters they fall in and their distinct types; deepest relationships first.
WITH by_partner AS (
  SELECT
    ep.partner_id,
    count(*) AS engagements,
    count(DISTINCT date_trunc('quarter', e.date)) AS quarters,
    count(DISTINCT e.type) AS types
  FROM chosen AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  GROUP BY ep.partner_id
),
classed AS (
  SELECT
    *,
    CASE
      WHEN engagements >= 3 AND quarters >= 2 AND types >= 2 THEN 'longitudinal'
      WHEN engagements = 1 THEN 'transactional'
      ELSE 'developing'
    END AS relationship
  FROM by_partner
)
SELECT
  b.partner_id,
  pa.name AS partner,
  pa.sector::VARCHAR AS sector,
  pa.confidential,
  b.relationship,
  b.engagements,
  b.quarters,
  b.types
FROM classed AS b
JOIN partners AS pa ON pa.partner_id = b.partner_id
ORDER BY
  CASE b.relationship WHEN 'longitudinal' THEN 1 WHEN 'developing' THEN 2 ELSE 3 END,
  b.engagements DESC,
  pa.name
