-- Engagements in the period with an industry, a regulator and an academic partner, and patients taking part.
SELECT p.period_id, count(s.engagement_id) AS value
FROM periods AS p
LEFT JOIN engagement_sectors AS s
  ON s.date BETWEEN p.start_date AND p.end_date
 AND s.with_industry AND s.with_regulator AND s.with_academic AND s.patient_participants > 0
GROUP BY p.period_id
