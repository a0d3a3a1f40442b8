-- actions_burn_up: one row per snapshot date (oldest first), as each tracker recorded it.
-- Columns: snapshot_date, raised (actions on the tracker so far: cumulative), completed (of those,
-- Completed). Only actions in $areas count; a snapshot with none in scope shows zeros.
-- Parameters: $areas (list of service areas in scope).
with in_scope as (
    select snapshot_date, status
    from actions
    where list_contains($areas, service_area)
)
select s.snapshot_date,
       count(i.status) as raised,
       count(i.status) filter (where i.status = 'Completed') as completed
from action_snapshots as s
left join in_scope as i on i.snapshot_date = s.snapshot_date
group by s.snapshot_date
order by s.snapshot_date
