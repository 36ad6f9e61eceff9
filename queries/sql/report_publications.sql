-- The chosen period's publications, newest first.
SELECT
  pub.published_date,
  pub.title,
  pub.doi,
  pub.peer_reviewed,
  pub.open_access,
  pub.lay_summary
FROM chosen AS p
JOIN publications AS pub ON pub.published_date BETWEEN p.start_date AND p.end_date
ORDER BY pub.published_date DESC, pub.title
