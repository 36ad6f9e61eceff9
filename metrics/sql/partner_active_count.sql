-- Partners involved in at least one engagement, funding record or publication in the period.
SELECT p.period_id, count(DISTINCT i.partner_id) AS value
FROM periods AS p
LEFT JOIN partner_activity AS i ON i.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
