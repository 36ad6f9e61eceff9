-- Sum of patient_participants over the period's engagements (a missing value counts as 0; summed by day first).
SELECT p.period_id, coalesce(sum(d.participants), 0) AS value
FROM periods AS p
LEFT JOIN (
  SELECT date, sum(patient_participants) AS participants FROM window_engagements GROUP BY date
) AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
