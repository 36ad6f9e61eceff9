-- Per period, what the money received would reveal of confidential funders: whether the largest funder is
-- confidential, how many funders (and confidential ones) there are, and the same for industry funders.
WITH by_partner AS (
  SELECT p.period_id, f.partner_id, sum(f.amount)::DOUBLE AS amount
  FROM periods AS p
  JOIN funding AS f ON f.direction = 'inbound' AND f.date BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, f.partner_id
),
ranked AS (
  SELECT
    b.*,
    pa.confidential,
    pa.sector IN ('pharma', 'biotech', 'medtech') AS industry,
    row_number() OVER (PARTITION BY b.period_id ORDER BY b.amount DESC, pa.confidential DESC) AS rank
  FROM by_partner AS b
  JOIN partners AS pa ON pa.partner_id = b.partner_id
)
SELECT
  p.period_id,
  coalesce(bool_or(r.confidential AND r.rank = 1), false) AS top_confidential,
  coalesce(max(r.amount) / nullif(sum(r.amount), 0), 0) AS top_share,
  count(r.partner_id) AS funders,
  count(r.partner_id) FILTER (WHERE r.confidential) AS confidential_funders,
  count(r.partner_id) FILTER (WHERE r.industry) AS industry_funders,
  count(r.partner_id) FILTER (WHERE r.industry AND r.confidential) AS industry_confidential,
  coalesce(
    max(r.amount) FILTER (WHERE r.industry AND r.confidential) / nullif(sum(r.amount) FILTER (WHERE r.industry), 0),
    0
  ) AS industry_confidential_top_share
FROM periods AS p
LEFT JOIN ranked AS r ON r.period_id = p.period_id
GROUP BY p.period_id
ORDER BY p.period_id
