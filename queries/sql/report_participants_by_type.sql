-- Touchpoints and the patients and caregivers taking part in them, in the chosen period, by type of touchpoint.
SELECT
  e.type::VARCHAR AS type,
  count(*) AS touchpoints,
  coalesce(sum(e.patient_participants), 0) AS patient_participants
FROM chosen AS p
JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
GROUP BY e.type
ORDER BY touchpoints DESC, type
