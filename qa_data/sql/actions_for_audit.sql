-- actions_for_audit: one row per action raised from $audit_id (an audit id or a thematic review
-- name, matched on the source as typed) in the latest snapshot. Columns: action_id, service_area,
-- owner (null unless $show_names), raised_date, due_date, status, completed_date, latest_update.
-- Parameters: $areas (list of service areas in scope), $audit_id (varchar), $show_names (boolean).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots
)
select a.action_id, a.service_area,
       case when $show_names then a.owner end as owner,
       a.raised_date, a.due_date, a.status, a.completed_date, a.latest_update
from actions as a
join snapshot as s on a.snapshot_date = s.snapshot_date
where list_contains($areas, a.service_area)
  and (a.audit_id = $audit_id or a.source = $audit_id)
order by a.raised_date, a.action_id
