-- export_open_actions: one row per open (not Completed) action in $areas in the latest tracker
-- snapshot on or before $as_of, soonest due first. Columns: action_id, service_area, source,
-- raised_date, due_date, status, overdue (due before $as_of). No owner: a report lists what, not who.
-- Parameters: $areas (service areas in scope), $as_of (date).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots where snapshot_date <= $as_of
)
select a.action_id, a.service_area, a.source, a.raised_date, a.due_date, a.status,
       a.due_date < $as_of as overdue
from actions as a
join snapshot as s on a.snapshot_date = s.snapshot_date
where list_contains($areas, a.service_area)
  and a.status <> 'Completed'
order by a.due_date, a.action_id;
