-- Engagements in the period with an industry, a regulator and an academic partner, and patients taking part
-- (counted by day first).
SELECT p.period_id, coalesce(sum(d.convenings), 0)::BIGINT AS value
FROM periods AS p
LEFT JOIN (
  SELECT date, count(*) AS convenings
  FROM engagement_sectors
  WHERE with_industry AND with_regulator AND with_academic AND patient_participants > 0
  GROUP BY date
) AS d ON d.date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
