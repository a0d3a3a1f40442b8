-- export_people_names: one row per distinct person named on an audit (worker or auditor), so that
-- exported text can be checked for names. Column: name. No parameters.
select distinct name
from (
    select trim(worker) as name from audits
    union all
    select trim(auditor) as name from audits
) as people
where name is not null and name <> ''
order by name;
