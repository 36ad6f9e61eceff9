-- The chosen period's convenings (an industry, a regulator and an academic partner, with patients taking part):
-- each with its date, title, type, the sectors of the partners present (and of the named ones only, for the
-- community-safe view) and its patient participants.
WITH convenings AS (
  SELECT e.engagement_id
  FROM chosen AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date AND e.patient_participants > 0
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  JOIN partners AS pa ON pa.partner_id = ep.partner_id
  GROUP BY e.engagement_id
  HAVING bool_or(pa.sector IN ('pharma', 'biotech', 'medtech'))
     AND bool_or(pa.sector = 'regulator')
     AND bool_or(pa.sector = 'academic')
),
present AS (
  SELECT c.engagement_id, pa.sector, bool_or(NOT pa.confidential) AS named, bool_or(pa.confidential) AS confidential
  FROM convenings AS c
  JOIN engagement_partners AS ep ON ep.engagement_id = c.engagement_id
  JOIN partners AS pa ON pa.partner_id = ep.partner_id
  GROUP BY c.engagement_id, pa.sector
)
SELECT
  e.engagement_id,
  e.date,
  e.title,
  e.type::VARCHAR AS type,
  string_agg(CASE s.sector WHEN 'cro' THEN 'CRO' ELSE replace(s.sector::VARCHAR, '_', ' ') END, ', ' ORDER BY s.sector)
    AS sectors,
  string_agg(CASE s.sector WHEN 'cro' THEN 'CRO' ELSE replace(s.sector::VARCHAR, '_', ' ') END, ', ' ORDER BY s.sector)
    FILTER (WHERE s.named) AS named_sectors,
  bool_or(s.confidential) AS confidential_present,
  e.patient_participants
FROM convenings AS c
JOIN engagements AS e ON e.engagement_id = c.engagement_id
JOIN present AS s ON s.engagement_id = c.engagement_id
GROUP BY e.engagement_id, e.date, e.title, e.type, e.patient_participants
ORDER BY e.date, e.engagement_id
