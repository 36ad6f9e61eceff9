-- The chosen period's publications that record a study completion date, counted in 30-day bins of the days
-- from completion to publication (0-29, 30-59, ...), every bin up to the longest listed (0 when none).
WITH days AS (
  SELECT date_diff('day', pub.study_completed_date, pub.published_date) AS days
  FROM chosen AS p
  JOIN publications AS pub
    ON pub.published_date BETWEEN p.start_date AND p.end_date AND pub.study_completed_date IS NOT NULL
),
bins AS (
  SELECT unnest(generate_series(0, (SELECT max(days) FROM days), 30)) AS bin_start
)
SELECT
  b.bin_start,
  b.bin_start + 29 AS bin_end,
  count(d.days) AS publications
FROM bins AS b
LEFT JOIN days AS d ON d.days BETWEEN b.bin_start AND b.bin_start + 29
GROUP BY b.bin_start
ORDER BY b.bin_start
