-- The dates of the earliest and the latest record (engagement, funding, publication or milestone): "records
-- through 30 December 2025" on every community output. Reads no period.
SELECT min(d) AS first_date, max(d) AS last_date
FROM (
  SELECT date AS d FROM engagements
  UNION ALL SELECT date FROM funding
  UNION ALL SELECT published_date FROM publications
  UNION ALL SELECT date FROM milestones
)
