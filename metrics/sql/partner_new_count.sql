-- Partners whose earliest involvement ever (engagement, funding or publication) falls in the period.
-- `firsts` holds each partner's earliest involvement ever (see the relations above).
SELECT p.period_id, count(f.partner_id) AS value
FROM periods AS p
LEFT JOIN firsts AS f ON f.first_date BETWEEN p.start_date AND p.end_date
GROUP BY p.period_id
