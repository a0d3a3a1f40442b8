-- export_actions_due: one row per service area in $areas (framework order): the actions due in
-- [$start, $end] as the tracker snapshot $snapshot recorded them. Columns: service_area, due,
-- completed, open (not completed), overdue (open and due before $end).
-- Parameters: $areas, $start, $end (dates), $snapshot (the snapshot date to read).
with areas as (
    select unnest($areas) as service_area, generate_subscripts($areas, 1) as position
),
due as (
    select service_area, status, due_date
    from actions
    where snapshot_date = $snapshot
      and list_contains($areas, service_area)
      and due_date between $start and $end
)
select r.service_area,
       count(d.status) as due,
       count(d.status) filter (where d.status = 'Completed') as completed,
       count(d.status) filter (where d.status <> 'Completed') as open,
       count(d.status) filter (where d.status <> 'Completed' and d.due_date < $end) as overdue
from areas as r
left join due as d on d.service_area = r.service_area
group by r.service_area, r.position
order by r.position;
