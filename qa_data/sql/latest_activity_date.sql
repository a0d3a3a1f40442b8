-- latest_activity_date: one row, the latest audit date among the filtered audits (null if none).
-- Parameters: the filtered_audits set ($areas, $start_date, $end_date, $teams, $activity_types, $themes).
select max(audit_date) as latest
from filtered_audits($areas, $start_date, $end_date, $teams, $activity_types, $themes);
