-- data_as_of: one row. The latest successful audit-return load and the range of audit dates in scope
-- (KPI, Annex A, action and survey uploads have their own "data as of").
-- Parameters: $areas (list of service areas the viewer may see).
with latest_load as (
    select loaded_at, file_name
    from loads
    where outcome = 'loaded' and kind = 'audits'
    order by loaded_at desc
    limit 1
),
in_scope as (
    select max(audit_date) as latest_audit, min(audit_date) as earliest_audit
    from audits
    where service_area in (select unnest($areas))
)
select l.loaded_at, l.file_name, s.latest_audit, s.earliest_audit
from in_scope as s
left join latest_load as l on true;
