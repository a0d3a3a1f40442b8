-- actions_sources: one row per source (audit id or thematic review name) with actions in the latest
-- tracker snapshot or agreed on a reflection sheet, in scope. Columns: source, is_audit (the source is a
-- loaded audit), actions (in the latest tracker snapshot), agreed (on the audit's reflection sheet).
-- Parameters: $areas (list of service areas in scope).
with snapshot as (
    select max(snapshot_date) as snapshot_date from action_snapshots
),
tracked as (
    select a.source, bool_or(a.audit_id is not null) as is_audit, count(*) as actions
    from actions as a
    join snapshot as s on a.snapshot_date = s.snapshot_date
    where list_contains($areas, a.service_area)
    group by a.source
),
agreed as (
    select g.audit_id as source, count(*) as agreed
    from audit_agreed_actions as g
    join audits as a on a.audit_id = g.audit_id
    where list_contains($areas, a.service_area)
    group by g.audit_id
)
select coalesce(t.source, g.source) as source,
       coalesce(t.is_audit, true) as is_audit,
       coalesce(t.actions, 0) as actions,
       coalesce(g.agreed, 0) as agreed
from tracked as t
full outer join agreed as g on g.source = t.source
order by 1
