-- At each trend period's end: how many programs are at each R&D stage, every stage listed (0 when none).
-- A program's stage at a date is the stage of its latest milestone on or before that date (DATA_CONTRACT.md);
-- of two milestones on the same day, the later one in the contract's order counts.
WITH staged AS (
  SELECT
    m.program_id,
    m.date,
    m.milestone,
    ms.stage
  FROM milestones AS m
  JOIN milestone_stages AS ms ON ms.milestone = m.milestone
),
latest AS (
  SELECT p.period_id, s.program_id, s.stage
  FROM periods AS p
  JOIN staged AS s ON s.date <= p.end_date
  QUALIFY row_number() OVER (PARTITION BY p.period_id, s.program_id ORDER BY s.date DESC, s.milestone DESC) = 1
),
stages AS (
  SELECT unnest(enum_range(NULL::rd_stage))::rd_stage AS stage
)
SELECT
  p.period_id,
  p.end_date,
  st.stage::VARCHAR AS stage,
  count(l.program_id) AS programs
FROM periods AS p
CROSS JOIN stages AS st
LEFT JOIN latest AS l ON l.period_id = p.period_id AND l.stage = st.stage
GROUP BY p.period_id, p.end_date, st.stage
ORDER BY p.period_id, enum_code(st.stage)
