-- Of the partners engaged in the period: the share with >= 3 engagements, in >= 2 calendar quarters, of >= 2 types.
SELECT
  p.period_id,
  CASE WHEN count(r.partner_id) = 0 THEN NULL
       ELSE count(r.partner_id) FILTER (WHERE r.relationship = 'longitudinal')::DOUBLE / count(r.partner_id) END AS value
FROM periods AS p
LEFT JOIN relationships AS r ON r.period_id = p.period_id
GROUP BY p.period_id
