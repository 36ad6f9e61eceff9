-- Inbound and outbound funding in the chosen period per partner and per sector, partnership kind and R&D stage
-- (categories as funding_by_sector, funding_by_kind and funding_by_stage name them), with whether the partner is
-- confidential: for pooling confidential partners' money as "Other partners" in the community-safe view.
SELECT
  f.partner_id,
  pa.confidential,
  pa.sector::VARCHAR AS sector,
  coalesce(ps.kind::VARCHAR, 'no_partnership') AS kind,
  coalesce(f.stage::VARCHAR, 'not_staged') AS stage,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'inbound'), 0)::DOUBLE AS inbound,
  coalesce(sum(f.amount) FILTER (WHERE f.direction = 'outbound'), 0)::DOUBLE AS outbound
FROM chosen AS p
JOIN funding AS f ON f.date BETWEEN p.start_date AND p.end_date
JOIN partners AS pa ON pa.partner_id = f.partner_id
LEFT JOIN partnerships AS ps ON ps.partnership_id = f.partnership_id
GROUP BY ALL
ORDER BY f.partner_id, sector, kind, stage
