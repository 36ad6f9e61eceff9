-- The names of every confidential partner, which no community output may show.
SELECT name FROM partners WHERE confidential
