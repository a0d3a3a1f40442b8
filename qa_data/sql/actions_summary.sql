-- actions_summary: one row per service area in $areas (framework order, even with no actions), from
-- the latest snapshot on or before $as_of. Columns: service_area, open (not Completed), overdue
-- (open and due before $as_of), completed.
-- Parameters: $areas (list of service areas in scope), $as_of (date).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots where snapshot_date <= $as_of
),
areas as (
    select unnest($areas) as service_area, generate_subscripts($areas, 1) as position
),
in_snapshot as (
    select a.service_area, a.status, a.due_date
    from actions as a
    join snapshot as s on a.snapshot_date = s.snapshot_date
    where list_contains($areas, a.service_area)
)
select r.service_area,
       count(i.status) filter (where i.status <> 'Completed') as open,
       count(i.status) filter (where i.status <> 'Completed' and i.due_date < $as_of) as overdue,
       count(i.status) filter (where i.status = 'Completed') as completed
from areas as r
left join in_snapshot as i on i.service_area = r.service_area
group by r.service_area, r.position
order by r.position
