-- Active research_investment partnerships whose ip_agreement is not not_applicable.
SELECT p.period_id, count(ps.partnership_id) AS value
FROM periods AS p
LEFT JOIN partnerships AS ps
  ON ps.start_date <= p.end_date AND (ps.end_date IS NULL OR ps.end_date >= p.start_date)
 AND ps.kind = 'research_investment' AND ps.ip_agreement <> 'not_applicable'
GROUP BY p.period_id
