-- Partners involved in at least one engagement, funding record or publication in the prior period.
SELECT p.period_id, count(DISTINCT i.partner_id) AS value
FROM periods AS p
LEFT JOIN partner_activity AS i ON i.date BETWEEN p.prior_start AND p.prior_end
GROUP BY p.period_id
