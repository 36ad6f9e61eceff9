-- The confidential partners, whose names no community-safe output may show and whom none may show on their own.
-- Run without filters: a confidential name must leave free text whatever the filters keep.
SELECT partner_id, name FROM partners WHERE confidential ORDER BY partner_id
