-- actions_overdue: one row per open action due before $as_of in the latest snapshot on or before
-- $as_of, most overdue first. Columns: action_id, service_area, owner (null unless $show_names),
-- due_date, days_overdue, status, latest_update.
-- Parameters: $areas (list of service areas in scope), $as_of (date), $show_names (boolean).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots where snapshot_date <= $as_of
)
select a.action_id, a.service_area,
       case when $show_names then a.owner end as owner,
       a.due_date,
       date_diff('day', a.due_date, $as_of::date) as days_overdue,
       a.status, a.latest_update
from actions as a
join snapshot as s on a.snapshot_date = s.snapshot_date
where list_contains($areas, a.service_area)
  and a.status <> 'Completed'
  and a.due_date < $as_of
order by days_overdue desc, a.action_id
