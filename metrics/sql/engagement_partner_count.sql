-- Distinct partners involved in the period's engagements.
SELECT p.period_id, count(DISTINCT ep.partner_id) AS value
FROM periods AS p
LEFT JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
LEFT JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
GROUP BY p.period_id
