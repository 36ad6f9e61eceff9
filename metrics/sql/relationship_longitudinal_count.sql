-- Partners engaged in the period with >= 3 engagements, in >= 2 calendar quarters, of >= 2 types.
SELECT p.period_id, count(r.partner_id) AS value
FROM periods AS p
LEFT JOIN relationships AS r ON r.period_id = p.period_id AND r.relationship = 'longitudinal'
GROUP BY p.period_id
