-- Partners engaged in the period in exactly one engagement.
SELECT p.period_id, count(r.partner_id) AS value
FROM periods AS p
LEFT JOIN relationships AS r ON r.period_id = p.period_id AND r.relationship = 'transactional'
GROUP BY p.period_id
