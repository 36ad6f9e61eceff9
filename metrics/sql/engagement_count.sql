-- Engagements dated in the period.
SELECT p.period_id, count(e.engagement_id) AS value
FROM periods AS p
LEFT JOIN window_engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
