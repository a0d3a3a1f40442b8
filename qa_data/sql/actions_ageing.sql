-- actions_ageing: one row per age band (0-30, 31-60, 61-90, 90+ days since raised, at $as_of), all
-- four in order, counting open (not Completed) actions in the latest snapshot on or before $as_of.
-- Columns: band, actions. Parameters: $areas (list of service areas in scope), $as_of (date).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots where snapshot_date <= $as_of
),
bands as (
    select * from (values (1, '0-30 days'), (2, '31-60 days'), (3, '61-90 days'), (4, '90+ days'))
        as b(position, band)
),
open_actions as (
    select date_diff('day', a.raised_date, $as_of::date) as age
    from actions as a
    join snapshot as s on a.snapshot_date = s.snapshot_date
    where list_contains($areas, a.service_area) and a.status <> 'Completed'
),
banded as (
    select case when age <= 30 then 1 when age <= 60 then 2 when age <= 90 then 3 else 4 end as position
    from open_actions
)
select b.band, count(d.position) as actions
from bands as b
left join banded as d on d.position = b.position
group by b.band, b.position
order by b.position
