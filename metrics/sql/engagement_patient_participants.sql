-- Sum of patient_participants over the period's engagements (a missing value counts as 0).
SELECT p.period_id, coalesce(sum(e.patient_participants), 0) AS value
FROM periods AS p
LEFT JOIN window_engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
