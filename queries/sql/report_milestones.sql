-- The milestones reached in the chosen period, in date order, with their program and R&D stage.
SELECT m.date, pr.name AS program, m.milestone::VARCHAR AS milestone, ms.stage::VARCHAR AS stage, m.note
FROM chosen AS p
JOIN milestones AS m ON m.date BETWEEN p.start_date AND p.end_date
JOIN programs AS pr ON pr.program_id = m.program_id
JOIN milestone_stages AS ms ON ms.milestone = m.milestone
ORDER BY m.date, pr.name
