-- Listening sessions and patient-focused drug development meetings in the period (counted by day first).
SELECT p.period_id, coalesce(sum(d.sessions), 0)::BIGINT AS value
FROM periods AS p
LEFT JOIN (
  SELECT date, count(*) AS sessions
  FROM window_engagements
  WHERE type IN ('listening_session', 'pfdd_meeting')
  GROUP BY date
) AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
