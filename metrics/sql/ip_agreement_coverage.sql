-- Of the active research_investment partnerships whose ip_agreement is not not_applicable: the share signed.
SELECT
  p.period_id,
  CASE WHEN count(ps.partnership_id) = 0 THEN NULL
       ELSE count(ps.partnership_id) FILTER (WHERE ps.ip_agreement = 'signed')::DOUBLE
            / count(ps.partnership_id) END AS value
FROM periods AS p
LEFT JOIN partnerships AS ps
  ON ps.start_date <= p.end_date AND (ps.end_date IS NULL OR ps.end_date >= p.start_date)
 AND ps.kind = 'research_investment' AND ps.ip_agreement <> 'not_applicable'
GROUP BY p.period_id
