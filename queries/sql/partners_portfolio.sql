-- One row per partner: what it is, its agreements, its touchpoints ever and what it did in the chosen period.
WITH touched AS (
  SELECT i.partner_id, min(i.date) AS first_touchpoint, max(i.date) AS last_touchpoint
  FROM involvement AS i
  WHERE i.date <= (SELECT end_date FROM chosen)
  GROUP BY i.partner_id
),
active AS (
  SELECT DISTINCT i.partner_id
  FROM chosen AS p
  JOIN involvement AS i ON i.date BETWEEN p.start_date AND p.end_date
),
engaged AS (
  SELECT r.* FROM chosen AS p JOIN relationships AS r ON r.period_id = p.period_id
),
paid AS (
  SELECT
    f.partner_id,
    sum(f.amount) FILTER (WHERE f.direction = 'inbound') AS funding_in,
    sum(f.amount) FILTER (WHERE f.direction = 'outbound') AS funding_out
  FROM chosen AS p
  JOIN funding AS f ON f.date BETWEEN p.start_date AND p.end_date
  GROUP BY f.partner_id
),
published AS (
  SELECT pp.partner_id, count(*) AS publications
  FROM chosen AS p
  JOIN publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
  JOIN publication_partners AS pp ON pp.publication_id = pub.publication_id
  GROUP BY pp.partner_id
),
-- Formal agreements in place by the chosen period's end: those that started on or before it.
agreed AS (
  SELECT * FROM partnerships WHERE start_date <= (SELECT end_date FROM chosen)
),
kinds AS (
  SELECT partner_id, string_agg(replace(kind::VARCHAR, '_', ' '), ', ' ORDER BY kind) AS kinds
  FROM (SELECT DISTINCT partner_id, kind FROM agreed)
  GROUP BY partner_id
),
ip AS (
  SELECT
    partner_id,
    string_agg(
      replace(ip_agreement::VARCHAR, '_', ' '), ', '
      ORDER BY list_position(['signed', 'in_negotiation', 'none', 'not_applicable'], ip_agreement::VARCHAR)
    ) AS ip_status
  FROM (SELECT DISTINCT partner_id, ip_agreement FROM agreed WHERE kind = 'research_investment')
  GROUP BY partner_id
)
SELECT
  pa.partner_id,
  pa.name,
  pa.sector::VARCHAR AS sector,
  pa.country,
  pa.confidential,
  k.kinds,
  t.first_touchpoint,
  t.last_touchpoint,
  a.partner_id IS NOT NULL AS active,
  coalesce(e.engagements, 0) AS engagements,
  coalesce(e.quarters, 0) AS engagement_quarters,
  coalesce(e.types, 0) AS engagement_types,
  coalesce(f.funding_in, 0)::DOUBLE AS funding_in,
  coalesce(f.funding_out, 0)::DOUBLE AS funding_out,
  coalesce(pub.publications, 0) AS publications,
  coalesce(e.relationship, 'not engaged') AS relationship,
  ip.ip_status
FROM partners AS pa
LEFT JOIN touched AS t ON t.partner_id = pa.partner_id
LEFT JOIN active AS a ON a.partner_id = pa.partner_id
LEFT JOIN engaged AS e ON e.partner_id = pa.partner_id
LEFT JOIN paid AS f ON f.partner_id = pa.partner_id
LEFT JOIN published AS pub ON pub.partner_id = pa.partner_id
LEFT JOIN kinds AS k ON k.partner_id = pa.partner_id
LEFT JOIN ip ON ip.partner_id = pa.partner_id
ORDER BY lower(pa.name), pa.partner_id
