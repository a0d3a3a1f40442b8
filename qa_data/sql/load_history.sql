-- load_history: one row per upload attempt, newest first, at most $limit rows.
-- Columns: loaded_at, file_name, kind, loaded_by, outcome, rows_read, rows_loaded,
-- rows_replaced, errors, warnings, sha256.
select loaded_at, file_name, kind, loaded_by, outcome, rows_read, rows_loaded, rows_replaced,
       errors, warnings, sha256
from loads
order by loaded_at desc, load_id desc
limit $limit;
