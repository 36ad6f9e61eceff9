-- The chosen period's convenings (an industry, a regulator and an academic partner, with patients taking part):
-- each with its date, title, type, the sectors of the partners present (and of the named ones only, for the
-- community-safe view) and its patient participants.
WITH convenings AS (
  SELECT s.engagement_id
  FROM chosen AS p
  JOIN engagement_sectors AS s ON s.date BETWEEN p.start_date AND p.end_date
  WHERE s.with_industry AND s.with_regulator AND s.with_academic AND s.patient_participants > 0
),
present AS (
  SELECT c.engagement_id, pa.sector, bool_or(NOT pa.confidential) AS named, bool_or(pa.confidential) AS confidential
  FROM convenings AS c
  -- (a link row carries its engagement's date: only the chosen period's links are read)
  JOIN window_engagement_partners AS ep
    ON ep.engagement_id = c.engagement_id
   AND ep.date BETWEEN (SELECT start_date FROM chosen) AND (SELECT end_date FROM chosen)
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
JOIN window_engagements AS e
  ON e.engagement_id = c.engagement_id
 AND e.date BETWEEN (SELECT start_date FROM chosen) AND (SELECT end_date FROM chosen)
JOIN present AS s ON s.engagement_id = c.engagement_id
GROUP BY e.engagement_id, e.date, e.title, e.type, e.patient_participants
ORDER BY e.date, e.engagement_id
