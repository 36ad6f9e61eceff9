-- Partners engaged in each trend period by relationship class (see `relationships`): longitudinal, developing
-- or transactional, every class listed (0 when none).
WITH classes (rank, relationship) AS (
  VALUES (1, 'longitudinal'), (2, 'developing'), (3, 'transactional')
)
SELECT p.period_id, c.relationship, count(r.partner_id) AS partners
FROM periods AS p
CROSS JOIN classes AS c
LEFT JOIN relationships AS r ON r.period_id = p.period_id AND r.relationship = c.relationship
GROUP BY p.period_id, c.rank, c.relationship
ORDER BY p.period_id, c.rank
