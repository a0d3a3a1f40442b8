-- actions_sources: one row per source (audit id or thematic review name) with actions in the
-- latest snapshot, in scope. Columns: source, is_audit (the source is a loaded audit), actions.
-- Parameters: $areas (list of service areas in scope).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots
)
select a.source, bool_or(a.audit_id is not null) as is_audit, count(*) as actions
from actions as a
join snapshot as s on a.snapshot_date = s.snapshot_date
where list_contains($areas, a.service_area)
group by a.source
order by a.source
