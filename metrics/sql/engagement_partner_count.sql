-- Distinct partners involved in the period's engagements.
SELECT p.period_id, count(DISTINCT g.partner_id) AS value
FROM periods AS p
LEFT JOIN engaged AS g ON g.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
