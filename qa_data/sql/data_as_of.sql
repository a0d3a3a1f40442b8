-- data_as_of: one row. The latest successful load and the range of audit dates in scope.
-- Parameters: $areas (list of service areas the viewer may see).
with latest_load as (
    select loaded_at, file_name
    from loads
    where outcome = 'loaded'
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
