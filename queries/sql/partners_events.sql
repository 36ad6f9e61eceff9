-- Every touchpoint, payment, publication and milestone up to the chosen period's end, newest first.
-- Under a partner filter these are that partner's records and the milestones of its programs.
WITH until AS (
  SELECT start_date, end_date FROM chosen
),
events AS (
  SELECT
    e.date,
    'touchpoint' AS kind,
    coalesce(e.title, upper(left(e.type::VARCHAR, 1)) || replace(substr(e.type::VARCHAR, 2), '_', ' ')) AS title,
    NULL::DOUBLE AS amount,
    concat_ws(
      '; ',
      CASE WHEN e.type = 'pfdd_meeting' THEN 'PFDD meeting' ELSE replace(e.type::VARCHAR, '_', ' ') END,
      e.stage || ' stage',
      CASE WHEN e.attendees IS NOT NULL THEN e.attendees || ' attendees' END,
      CASE WHEN e.patient_participants > 0 THEN e.patient_participants || ' patients and caregivers' END,
      CASE WHEN e.insights_shared THEN 'patient insights shared' END,
      'under ' || ps.title
    ) AS details
  FROM engagements AS e
  LEFT JOIN partnerships AS ps ON ps.partnership_id = e.partnership_id
  UNION ALL
  SELECT
    f.date,
    CASE f.direction WHEN 'inbound' THEN 'payment_received' ELSE 'grant_made' END,
    coalesce(upper(left(f.purpose::VARCHAR, 1)) || replace(substr(f.purpose::VARCHAR, 2), '_', ' '), 'Payment'),
    f.amount::DOUBLE,
    concat_ws(
      '; ',
      f.stage || ' stage',
      'under ' || ps.title
    )
  FROM funding AS f
  LEFT JOIN partnerships AS ps ON ps.partnership_id = f.partnership_id
  UNION ALL
  SELECT
    pub.published_date,
    'publication',
    pub.title,
    NULL,
    concat_ws(
      '; ',
      CASE WHEN pub.peer_reviewed THEN 'peer reviewed' ELSE 'not peer reviewed' END,
      CASE WHEN pub.open_access THEN 'open access' END,
      CASE WHEN pub.lay_summary THEN 'lay summary shared' END,
      CASE WHEN pub.citations IS NOT NULL THEN pub.citations || ' citations' END,
      'doi ' || pub.doi
    )
  FROM publications AS pub
  UNION ALL
  SELECT
    m.date,
    'milestone',
    pg.name || ': ' || replace(replace(replace(m.milestone::VARCHAR, 'phase', 'phase '), 'ind_', 'IND_'), '_', ' '),
    NULL,
    concat_ws('; ', pg.modality, m.note)
  FROM milestones AS m
  JOIN programs AS pg ON pg.program_id = m.program_id
)
SELECT
  ev.date,
  ev.kind,
  ev.title,
  ev.amount,
  nullif(ev.details, '') AS details,
  ev.date >= u.start_date AS in_period
FROM events AS ev, until AS u
WHERE ev.date <= u.end_date
ORDER BY ev.date DESC, ev.kind, ev.title
