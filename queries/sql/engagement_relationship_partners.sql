-- The partners engaged in the chosen period, each with its relationship class (see `relationships`), its
-- engagements, the calendar quarters they fall in and their distinct types; deepest relationships first.
SELECT
  r.partner_id,
  pa.name AS partner,
  pa.sector::VARCHAR AS sector,
  pa.confidential,
  r.relationship,
  r.engagements,
  r.quarters,
  r.types
FROM chosen AS p
JOIN relationships AS r ON r.period_id = p.period_id
JOIN partners AS pa ON pa.partner_id = r.partner_id
ORDER BY
  CASE r.relationship WHEN 'longitudinal' THEN 1 WHEN 'developing' THEN 2 ELSE 3 END,
  r.engagements DESC,
  pa.name
