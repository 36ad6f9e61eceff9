-- Listening sessions and patient-focused drug development meetings in the period.
SELECT p.period_id, count(e.engagement_id) AS value
FROM periods AS p
LEFT JOIN window_engagements AS e
  ON e.date BETWEEN p.start_date AND p.end_date
 AND e.type IN ('listening_session', 'pfdd_meeting')
GROUP BY p.period_id
