-- Engagements in the period with an industry, a regulator and an academic partner, and patients taking part.
WITH sectors AS (
  SELECT
    p.period_id,
    e.engagement_id,
    bool_or(pa.sector IN ('pharma', 'biotech', 'medtech')) AS has_industry,
    bool_or(pa.sector = 'regulator') AS has_regulator,
    bool_or(pa.sector = 'academic') AS has_academic
  FROM periods AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date AND e.patient_participants > 0
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  JOIN partners AS pa ON pa.partner_id = ep.partner_id
  GROUP BY p.period_id, e.engagement_id
)
SELECT
  p.period_id,
  count(s.engagement_id) FILTER (WHERE s.has_industry AND s.has_regulator AND s.has_academic) AS value
FROM periods AS p
LEFT JOIN sectors AS s ON s.period_id = p.period_id
GROUP BY p.period_id
