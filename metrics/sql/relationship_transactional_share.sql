-- Of the partners engaged in the period: the share involved in exactly one engagement.
SELECT
  p.period_id,
  CASE WHEN count(r.partner_id) = 0 THEN NULL
       ELSE count(r.partner_id) FILTER (WHERE r.relationship = 'transactional')::DOUBLE / count(r.partner_id) END AS value
FROM periods AS p
LEFT JOIN relationships AS r ON r.period_id = p.period_id
GROUP BY p.period_id
