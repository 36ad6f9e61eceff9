-- Sum of outbound funding (grants made) dated in the period; 0 when there is none (summed by day first).
SELECT p.period_id, coalesce(sum(d.amount), 0) AS value
FROM periods AS p
LEFT JOIN (
  SELECT date, sum(amount) AS amount FROM window_funding WHERE direction = 'outbound' GROUP BY date
) AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
