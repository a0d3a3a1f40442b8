-- export_latest_loads: one row per kind of upload that has ever loaded: the latest successful load.
-- Columns: kind, file_name, loaded_at, rows_loaded. No parameters (file names and dates only).
select kind, file_name, loaded_at, rows_loaded
from loads
where outcome = 'loaded'
qualify row_number() over (partition by kind order by loaded_at desc, load_id desc) = 1
order by kind;
