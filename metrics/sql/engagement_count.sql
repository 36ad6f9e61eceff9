-- Engagements dated in the period (counted by day first: a period then adds up days, not engagements).
SELECT p.period_id, coalesce(sum(d.engagements), 0)::BIGINT AS value
FROM periods AS p
LEFT JOIN (
  SELECT date, count(*) AS engagements FROM window_engagements GROUP BY date
) AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
