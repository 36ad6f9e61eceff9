-- Median days from study_completed_date to published_date over the period's publications that have both.
SELECT
  p.period_id,
  median(date_diff('day', pub.study_completed_date, pub.published_date)) AS value
FROM periods AS p
LEFT JOIN window_publications AS pub
  ON pub.published_date BETWEEN p.start_date AND p.end_date AND pub.study_completed_date IS NOT NULL
GROUP BY p.period_id
